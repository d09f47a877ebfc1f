// Browser and HTTP tests run the production build; build it once per run when it is stale.
import { ensureBuild } from '../scripts/build-if-stale.js';

export default function setup() {
  ensureBuild();
}
