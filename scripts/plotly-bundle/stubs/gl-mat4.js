// plotly.js's lib/matrix.js and lib/dom.js use two of gl-mat4's functions; its index requires all 28.
exports.invert = require('gl-mat4/invert');
exports.multiply = require('gl-mat4/multiply');
