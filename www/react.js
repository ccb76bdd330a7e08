// `import 'ai-trace-viewer/react'` brings React's JSX types for `<trace-viewer>` (react.d.ts); at
// run time it is the element itself.
import './trace-viewer.js';
