// `npm run demo`: the main job on embedded defaults. Until the conformance suite lands,
// it prints what the standard holds.
import { specSummary } from '@dvc-kit/spec';

console.log(specSummary());
