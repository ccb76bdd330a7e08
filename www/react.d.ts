// `<trace-viewer>` for React 19's JSX (`"jsx": "react-jsx"`): `import 'ai-trace-viewer/react'`
// once in a project adds the element to `React.JSX.IntrinsicElements` with its own attributes and
// every attribute React gives an HTML element (`key`, `ref`, `className`, `hidden`, `title`,
// `tabIndex`, `onClick` …).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TraceViewerAttributes, TraceViewerElement } from './trace-viewer.js';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'trace-viewer': DetailedHTMLProps<HTMLAttributes<TraceViewerElement>, TraceViewerElement> & TraceViewerAttributes;
    }
  }
}

export {};
