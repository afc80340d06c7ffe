import { compatSuite } from './compat-suite.js';

compatSuite('0.76');
