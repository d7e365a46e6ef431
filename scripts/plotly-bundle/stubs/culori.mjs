// plotly.js requires the whole of culori (64 KB: every colour space); its colour module uses five functions
// and three colour spaces: rgb, hsl, and linear rgb (WCAG luminance). Built from culori's tree-shakable entry
// with those three modes, it parses hex, rgb(a), hsl(a), named colours and "transparent": every colour the
// dashboard draws with (CSS colour 4 spaces such as lab() or oklch() would be read as black).
import {converter, formatHex, formatRgb, modeHsl, modeLrgb, modeRgb, useMode, wcagContrast, wcagLuminance}
    from 'culori/fn';

useMode(modeRgb);
useMode(modeLrgb);
useMode(modeHsl);

export {converter, formatHex, formatRgb, wcagContrast, wcagLuminance};
