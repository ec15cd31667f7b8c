/** The renderer's composition root: one client, one store, one React tree. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'katex/dist/katex.min.css';
import './styles.css';
import { GatewayClient } from '../../shared/protocol/client.ts';
import { App } from './App.tsx';
import { RegionBoundary } from './components/ErrorBoundary.tsx';
import { connectTransport } from './connect.ts';
import { StoreContext } from './state/hooks.ts';
import { indexedDbOutbox } from './state/outbox.ts';
import { AppStore, type KeyValueStorage } from './state/store.ts';

function localStorageOrNull(): KeyValueStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Issue 10: a desktop window opened for a notification is loaded as `…#open=<conversation>`; the
 * address is cleaned at once, so a reload opens what the person chose last instead.
 */
function conversationToOpen(): string | null {
  const wanted = new URLSearchParams(window.location.hash.slice(1)).get('open');
  if (wanted !== null) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return wanted;
}

const client = new GatewayClient({ connect: connectTransport });
// L32: what is typed while Baton is unreachable waits in the page's own IndexedDB.
const store = new AppStore(client, { storage: localStorageOrNull(), outbox: indexedDbOutbox(), openFirst: conversationToOpen() });
store.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreContext value={store}>
      {/* The last resort, for an error in the shell itself: a panel that can try again, never a blank window. */}
      <RegionBoundary label="Baton's window">
        <App />
      </RegionBoundary>
    </StoreContext>
  </StrictMode>,
);

// start() retries by itself until Baton answers; it only rejects when the client is closed.
void client.start().catch(() => undefined);
// pagehide, not beforeunload: beforeunload also fires for a navigation the shell then refuses
// (will-navigate), which would leave a page that stays but is disconnected for good.
window.addEventListener('pagehide', () => client.close());
// A page restored from the back/forward cache has a closed client: start it afresh.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});
