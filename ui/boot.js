// Loads the wasm UI. Kept out of index.html so the Content-Security-Policy needs no
// inline script.
import init from "./acsdesk_ui.js";
init();
