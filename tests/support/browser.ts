import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './paths.ts';

/** Debian's Chromium (never a downloaded browser); SwiftShader gives MapLibre WebGL without a GPU. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.POSTFLIGHT_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export const artifactsDir = path.join(repoRoot, 'test-artifacts');

/** Saves a screenshot under test-artifacts/ (gitignored) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Collects what the page reports going wrong (uncaught errors, console errors, requests that left 127.0.0.1), so a
 * test can assert the app stayed offline and quiet.
 */
export function watchPage(page: Page): { errors: string[]; offsiteRequests: string[] } {
  const errors: string[] = [];
  const offsiteRequests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['blob:', 'data:'].includes(url.protocol)) offsiteRequests.push(r.url());
  });
  return { errors, offsiteRequests };
}

interface ProbeFeature {
  properties: Record<string, unknown>;
  geometry: { coordinates: unknown };
}

/**
 * The slice of the page's globals that tests read inside `page.evaluate` (tests compile with Node's types, not the
 * DOM's): the review map the renderer exposes, and the document.
 */
export interface PageGlobals {
  __postflightMap: {
    queryRenderedFeatures(
      geometryOrOptions?: [[number, number], [number, number]] | { layers: string[] },
      options?: { layers: string[] },
    ): ProbeFeature[];
    project(lngLat: [number, number]): { x: number; y: number };
    getCanvas(): { getBoundingClientRect(): { left: number; top: number } };
    getLayer(id: string): unknown;
    getSource(id: string): { url?: string; loaded(): boolean } | undefined;
    getStyle(): { layers?: { id: string }[] };
  };
  document: {
    elementFromPoint(x: number, y: number): unknown;
    documentElement: { dataset: Record<string, string | undefined> };
  };
}
