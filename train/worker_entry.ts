// The Worker script of the trial pool (see worker.ts).
import { installTrialWorker } from "./worker.ts";

installTrialWorker();
