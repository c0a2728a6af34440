/** built: dist/ exists (`npm run build`); fresh: and no system/ source is newer. */
export function distFreshness(): { built: boolean; fresh: boolean };
