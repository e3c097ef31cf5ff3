// The audit API, as the page reads it: same origin, bearer token from sessionStorage.

const TOKEN_KEY = 'opsledger.token';

/** Takes `?token=` off the address (so it is not bookmarked or shared) into sessionStorage. */
export function adoptTokenFromUrl() {
  const url = new URL(window.location.href);
  const t = url.searchParams.get('token');
  if (t) {
    sessionStorage.setItem(TOKEN_KEY, t);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

export function setToken(t) {
  sessionStorage.setItem(TOKEN_KEY, t.trim());
}

function headers() {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: 'Bearer ' + t } : {};
}

/** Thrown for a 401: the page asks for the token. */
export class Unauthorized extends Error {}

/** GET api/v1/{path} as JSON. */
export async function get(path, params = {}) {
  const q = new URLSearchParams(params).toString();
  const res = await fetch('api/v1/' + path + (q ? '?' + q : ''), { headers: headers() });
  if (res.status === 401) throw new Unauthorized('a valid token is required');
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

/**
 * Follows api/v1/stream (server-sent events) through fetch rather than EventSource, so that the
 * token travels in the Authorization header and never in a URL. Reconnects after a drop.
 * Returns a function that stops following.
 */
export function follow(onEvent, onState) {
  let stopped = false;
  let controller;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch('api/v1/stream', { headers: headers(), signal: controller.signal });
        if (res.status === 401) {
          onState('unauthorized');
          return;
        }
        onState('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            dispatch(buf.slice(0, end), onEvent);
            buf = buf.slice(end + 2);
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

function dispatch(block, onEvent) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // a heartbeat
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length) onEvent(type, JSON.parse(data.join('\n')));
}
