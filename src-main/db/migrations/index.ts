import type { Migration } from '../migrate.ts';
import { migration as m0001 } from './0001_initial.ts';
import { migration as m0003 } from './0003_classify.ts';
import { migration as m0006 } from './0006_odm_runs.ts';

/** Every migration, in order. One file per schema change; never edit one that has shipped. */
export const migrations: readonly Migration[] = [m0001, m0003, m0006];
