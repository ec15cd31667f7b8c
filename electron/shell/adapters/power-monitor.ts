/** PowerPort over `powerMonitor`: the OS is logging off or shutting down (Linux, macOS; L27). */
import { powerMonitor } from 'electron';
import type { PowerPort } from '../../core/ports.ts';

export const onOsShutdown: PowerPort['onShutdown'] = (handler) => {
  powerMonitor.on('shutdown', handler);
  return () => void powerMonitor.removeListener('shutdown', handler);
};
