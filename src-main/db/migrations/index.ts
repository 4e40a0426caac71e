import type { Migration } from '../migrate.ts';
import { migration as m0001 } from './0001_initial.ts';
import { migration as m0003 } from './0003_classify.ts';
import { migration as m0006 } from './0006_odm_runs.ts';
import { migration as m0010 } from './0010_copy_state.ts';
import { migration as m0011 } from './0011_card_offloads.ts';
import { migration as m0020 } from './0020_jobs_no_attempts.ts';
import { migration as m0030 } from './0030_entered_height.ts';
import { migration as m0036 } from './0036_motion.ts';
import { migration as m0037 } from './0037_rtk.ts';
import { migration as m0050 } from './0050_dronetm_tasks.ts';
import { migration as m0060 } from './0060_captures.ts';
import { migration as m0061 } from './0061_task_stream.ts';
import { migration as m0070 } from './0070_normalised_time.ts';
import { migration as m0090 } from './0090_task_flight_plans.ts';

/** Every migration, in order. One file per schema change; never edit one that has shipped. */
export const migrations: readonly Migration[] = [m0001, m0003, m0006, m0010, m0011, m0020, m0030, m0036, m0037, m0050, m0060, m0061, m0070, m0090];
