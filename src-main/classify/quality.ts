/**
 * The one place classification reads the quality module's measurements (images.metrics_json) and turns them into
 * blur / black / white findings.
 */
import type { ProjectDb } from '../db/database.ts';
import type { Reason } from '../db/images.ts';
import { getSettingOverrides } from '../db/settings.ts';
import { DEFAULT_THRESHOLDS, exposureFlags } from '../quality/metrics.ts';
import { judgeSharpness } from '../quality/sharpness.ts';
import type { QualityMetrics, QualityThresholds } from '../quality/types.ts';
import type { SensorKind } from '../ingest/metadata-capture.ts';
import type { QualityFigure } from '../../src-preload/contract-base.ts';

export const QUALITY_SETTINGS_KEY = 'quality.thresholds';

export function loadQualityThresholds(db: ProjectDb): QualityThresholds {
  return getSettingOverrides(db, QUALITY_SETTINGS_KEY, DEFAULT_THRESHOLDS);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The quality module's blur verdict (grid score with DroneTM's terrain excuse, held only while the blur effect says
 * the frame is sharp). Photos measured without the grid cells, colour or blur effect get no blur finding.
 */
export function blurFinding(m: Partial<QualityMetrics>, t: QualityThresholds, kind: SensorKind | null = null): Reason | null {
  if (!Array.isArray(m.gridVariances) || !m.colour || num(m.blurEffect) === null) return null;
  if (kind === 'thermal') return thermalBlurFinding(m as Pick<QualityMetrics, 'gridScore' | 'blurEffect' | 'bitDepth'>, t);
  const verdict = judgeSharpness({ gridVariances: m.gridVariances, colour: m.colour, blurEffect: m.blurEffect! }, t);
  return verdict.blurry ? { code: 'blur', message: `${verdict.message}.` } : null;
}

/**
 * Thermal frames: a rendered R-JPEG is held to the thermal sharpness minimum (no terrain excuse: a palette's colours
 * are not the ground's). Radiometric counts (16-bit TIFF) span a few hundred levels of a 14-bit range, so any
 * Laplacian score is tiny; only the contrast-independent blur effect judges them (sharp frames measure 0.06-0.17).
 */
function thermalBlurFinding(m: Pick<QualityMetrics, 'gridScore' | 'blurEffect' | 'bitDepth'>, t: QualityThresholds): Reason | null {
  if (m.bitDepth !== undefined) {
    return m.blurEffect >= t.maxBlurEffect
      ? { code: 'blur', message: `Blurry thermal frame (blur effect ${m.blurEffect.toFixed(2)}, limit ${t.maxBlurEffect}).` }
      : null;
  }
  return m.gridScore < t.thermalMinSharpness
    ? { code: 'blur', message: `Blurry thermal frame (sharpness ${m.gridScore.toFixed(1)}, thermal minimum ${t.thermalMinSharpness}).` }
    : null;
}

/** Lens cap / severe underexposure and blown-out photos, re-judged with the project's current thresholds. */
export function exposureFindings(m: Partial<QualityMetrics>, t: QualityThresholds): Reason[] {
  const mean = num(m.mean);
  const std = num(m.std);
  const p5 = num(m.p5);
  const p95 = num(m.p95);
  const fracDark = num(m.fracDark);
  const fracBright = num(m.fracBright);
  let flags: { black: boolean; white: boolean };
  if (mean !== null && std !== null && p5 !== null && p95 !== null && fracDark !== null && fracBright !== null) {
    flags = exposureFlags({ mean, std, p5, p95, fracDark, fracBright }, t);
  } else {
    flags = { black: m.black === true, white: m.white === true };
  }
  const stats =
    mean !== null && std !== null && p5 !== null && p95 !== null
      ? `: mean ${mean.toFixed(0)}, std ${std.toFixed(0)}, range ${(p95 - p5).toFixed(0)}`
      : '';
  const out: Reason[] = [];
  if (flags.black) {
    const share = fracDark === null ? '' : `, ${(fracDark * 100).toFixed(0)}% black`;
    out.push({ code: 'black', message: `Photo is mostly black (lens cap or severe underexposure)${stats}${share}.` });
  }
  if (flags.white) {
    const share = fracBright === null ? '' : `, ${(fracBright * 100).toFixed(0)}% white`;
    out.push({ code: 'white', message: `Photo is overexposed (mostly white, blown highlights)${stats}${share}.` });
  }
  return out;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits)).toString();

/**
 * The photo's quality measures in words for the photo dialog, each beside the threshold of this project that applies
 * to it ("sharpness 84 (threshold 100)"), the predicted motion smear right after the measured sharpness (a second
 * opinion that still speaks over water). `ok` says whether the measure alone passes; the verdict itself (with the
 * terrain excuse) is in the photo's reasons.
 */
export function qualityFigures(
  m: Partial<QualityMetrics> | null,
  t: QualityThresholds,
  motionPx: number | null,
  kind: SensorKind | null,
  motionLimitPx: number,
): QualityFigure[] {
  const out: QualityFigure[] = [];
  const score = num(m?.gridScore);
  if (score !== null) {
    if (m?.bitDepth !== undefined) {
      out.push({ key: 'sharpness', text: `sharpness ${round(score, 1)} (no threshold: radiometric thermal counts are judged by blur effect)`, ok: null });
    } else {
      const min = kind === 'thermal' ? t.thermalMinSharpness : t.minSharpness;
      out.push({ key: 'sharpness', text: `sharpness ${round(score, score < 10 ? 1 : 0)} (threshold ${min}${kind === 'thermal' ? ', thermal' : ''})`, ok: score >= min });
    }
  }
  out.push(
    motionPx === null
      ? { key: 'motion', text: 'motion smear unknown (no exposure time, speed or ground pixel size)', ok: null }
      : { key: 'motion', text: `motion smear ${round(motionPx, 2)} px (limit ${motionLimitPx} px)`, ok: motionPx <= motionLimitPx },
  );
  const blur = num(m?.blurEffect);
  if (blur !== null) out.push({ key: 'blur_effect', text: `blur effect ${round(blur, 2)} (limit ${t.maxBlurEffect}; 0 sharp, 1 smeared)`, ok: blur < t.maxBlurEffect });
  const featureless = num(m?.lowTextureRatio);
  if (featureless !== null) {
    out.push({
      key: 'featureless',
      text: `featureless ground ${Math.round(featureless * 100)} % (water, sand or snow above ${Math.round(t.terrainLowTextureRatio * 100)} %)`,
      ok: null,
    });
  }
  const mean = num(m?.mean);
  if (mean !== null) {
    out.push({
      key: 'brightness',
      text: `mean brightness ${Math.round(mean)} of 255 (too dark below ${t.veryDarkMean}, too bright above ${t.veryBrightMean})`,
      ok: mean >= t.veryDarkMean && mean <= t.veryBrightMean,
    });
  }
  return out;
}
