// Types for what the bundler (Vite) provides: CSS side-effect imports, import.meta.glob.
/// <reference types="vite/client" />
