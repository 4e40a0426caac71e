/** What sync, ODM and the app tell the pilot when a copy in the project no longer matches its card. */
export const RECHECK_ADVICE =
  'Run `postflight ingest --recheck --project <project folder>` with the card inserted: it checks every copy again and copies the damaged ones from the card.';
