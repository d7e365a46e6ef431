// The one part of Babel's polyfill (Dash's deps/polyfill@7.12.1, 34 KB gzip) that Dash's renderer and
// dash core components need in a current browser: the global regeneratorRuntime of their async code.
'use strict';
require('regenerator-runtime/runtime');
