// The portal's entry point (index.html loads it as a module, after the DSFR's own).
import { start } from "./router.js";

start();
