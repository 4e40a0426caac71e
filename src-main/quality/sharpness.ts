/**
 * The blur decision. DroneTM excuses a low grid score when the colour says water, snow/ice or sand; that excuse
 * also lets a defocused or motion-blurred land photo through (blurred land loses its texture and keeps its colour).
 * Here the excuse only holds while the blur effect (how much of the neighbour contrast a 9-tap mean filter would
 * still remove) says the little detail there is is sharp: sensor grain, ripples and snow crust keep fine edges;
 * optical and motion blur remove them whatever the contrast.
 */
import { DEFAULT_THRESHOLDS, classifyTerrain, gridScoreOf } from './metrics.ts';
import type { QualityMetrics, QualityThresholds, Terrain } from './types.ts';

export interface SharpnessVerdict {
  blurry: boolean;
  terrain: Terrain;
  score: number;
  code?: 'blur';
  message: string;
}

const TERRAIN_WORDS: Record<Terrain, string> = { water: 'water', snow_ice: 'snow or ice', sand: 'sand', land: 'land' };

export function judgeSharpness(
  m: Pick<QualityMetrics, 'gridVariances' | 'colour' | 'blurEffect'>,
  thresholds: Partial<QualityThresholds> = {},
): SharpnessVerdict {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const grid = gridScoreOf(m.gridVariances, t.lowTextureVariance);
  const terrain = classifyTerrain(m.colour, grid.lowTextureRatio, grid.textured, t);
  const score = grid.score;
  const shown = `sharpness ${score.toFixed(1)}, minimum ${t.minSharpness}`;
  if (score >= t.minSharpness) return { blurry: false, terrain, score, message: `Sharp (${shown})` };
  const blur = `blur effect ${m.blurEffect.toFixed(2)}, limit ${t.maxBlurEffect}`;
  if (terrain !== 'land' && m.blurEffect < t.maxBlurEffect) {
    return { blurry: false, terrain, score, message: `Low texture but sharp: looks like ${TERRAIN_WORDS[terrain]} (${shown}; ${blur})` };
  }
  const why = terrain === 'land' ? '' : `; it looks like ${TERRAIN_WORDS[terrain]} but its edges are smeared (${blur})`;
  return { blurry: true, terrain, score, code: 'blur', message: `Blurry photo (${shown}${why})` };
}
