/**
 * Broken dashboard pages: the simulated browser is served one of the
 * dashboard's assets with a piece of its text replaced (pageAssets.rewrite),
 * as the ui broken variants plant their defects.
 */
import { pageAssets } from '../../../harness/scenario/ui-page-runtime.js';

/** A plant for withPlanted: serves `asset` with `from` replaced by `to` for the run; `seen.applied` says whether the page loaded it so. */
export function servedAsset(asset: string, from: string, to: string, seen: { applied: boolean }): () => () => void {
  return () => {
    pageAssets.rewrite = (path, text) => {
      if (!path.endsWith(asset) || !text.includes(from)) return text;
      seen.applied = true;
      return text.replace(from, to);
    };
    return () => void (pageAssets.rewrite = undefined);
  };
}
