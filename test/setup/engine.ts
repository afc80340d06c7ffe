// Loads the root module once per test file: it installs the collection optimizer (index.ts).
import '../../index.js';
