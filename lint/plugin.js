// The repository's own ESLint rules (eslint.config.js turns them on per folder). One rule per boundary.
import importBoundaries from './import-boundaries.js';

export default {
  meta: { name: 'calibr' },
  rules: {
    'import-boundaries': importBoundaries,
  },
};
