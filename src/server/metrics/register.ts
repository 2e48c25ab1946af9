// Agent presence for the supervisor board: a socket connect/disconnect hook (before the socket server starts).
import { installPresenceHook } from "./presence";

installPresenceHook();
