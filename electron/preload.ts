// Preload: tiny, exposes one object to the renderer (Signal Desktop pattern).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('workstation', { version: '0.1.0' });
