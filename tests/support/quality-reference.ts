/**
 * The OpenCV reference for synthetic cases: Debian's python3-opencv run over image files, with DroneTM's rules
 * (cells without pixels left out, as this module does; OpenCV itself refuses an empty cell).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import cv2, json, sys, numpy as np
out = []
for f in sys.argv[1:]:
    img = cv2.imread(f, cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    ch, cw = h // 4, w // 4
    cells = []
    for r in range(4):
        for c in range(4):
            y0, x0 = r * ch, c * cw
            y1 = h if r == 3 else y0 + ch
            x1 = w if c == 3 else x0 + cw
            if y1 > y0 and x1 > x0:
                cells.append(float(cv2.Laplacian(gray[y0:y1, x0:x1], cv2.CV_64F).var()))
    textured = [s for s in cells if s >= 30]
    p5, p95 = np.percentile(gray, [5, 95])
    out.append(dict(width=w, height=h, gridVariances=cells,
        gridScore=float(np.percentile(textured, 75)) if textured else float(np.mean(cells)),
        lowTextureRatio=(len(cells) - len(textured)) / len(cells),
        wholeVariance=float(cv2.Laplacian(gray, cv2.CV_64F).var()),
        mean=float(gray.mean()), std=float(gray.std()), p5=float(p5), p95=float(p95),
        fracDark=float(np.mean(gray < 20)), fracBright=float(np.mean(gray > 235))))
print(json.dumps(out))
`;

export const openCvAvailable: boolean = (() => {
  if (!fs.existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import cv2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface OpenCvMetrics {
  width: number;
  height: number;
  gridVariances: number[];
  gridScore: number;
  lowTextureRatio: number;
  wholeVariance: number;
  mean: number;
  std: number;
  p5: number;
  p95: number;
  fracDark: number;
  fracBright: number;
}

/** OpenCV's metrics for each file, in one python process. */
export function openCvMetrics(files: string[]): OpenCvMetrics[] {
  return JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 1 << 24 })) as OpenCvMetrics[];
}

/** One row of ../shared/data/reference_metrics.csv (OpenCV 4.6 with DroneTM's rules on the real photos). */
export interface ReferenceRow {
  file: string;
  width: number;
  height: number;
  gridScore: number;
  lowTextureRatio: number;
  wholeVariance: number;
  mean: number;
  std: number;
  p5: number;
  p95: number;
  black: boolean;
  white: boolean;
}

export function referenceRows(csvPath: string): ReferenceRow[] {
  const [head, ...lines] = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((line) => {
    const v = Object.fromEntries(line.split(',').map((x, i) => [cols[i]!, x]));
    const n = (k: string): number => Number(v[k]);
    return {
      file: v.file!,
      width: n('width'),
      height: n('height'),
      gridScore: n('grid_score'),
      lowTextureRatio: n('low_texture_ratio'),
      wholeVariance: n('plain_laplacian_var'),
      mean: n('mean'),
      std: n('std'),
      p5: n('p5'),
      p95: n('p95'),
      black: v.black === '1',
      white: v.white === '1',
    };
  });
}
