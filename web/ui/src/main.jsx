import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { adoptTokenFromUrl, follow, get, setToken, Unauthorized } from './api.js';
import './style.css';

// Routes live in the hash, so the audit server serves one page and deep links still work.
function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const [, view, ...rest] = hash.slice(1).split('/');
  return { view: view || 'status', arg: decodeURIComponent(rest.join('/')) };
}

export function keyText(k) {
  return [k.target, k.apiGroup || 'core', k.kind, k.namespace || '_', k.name].join('/');
}

const short = (rev) => (rev ? rev.slice(0, 12) : '');
const when = (t) => (t ? new Date(t).toLocaleString() : '');
const ms = (n) => (n < 0 ? '—' : n < 1000 ? n + ' ms' : (n / 1000).toFixed(1) + ' s');

/** Loads `path` whenever `params` change; asks for the token on a 401. */
function useApi(path, params, onUnauthorized) {
  const [state, setState] = useState({ loading: true });
  const dep = JSON.stringify(params);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    get(path, params)
      .then((data) => live && setState({ data }))
      .catch((e) => {
        if (e instanceof Unauthorized) onUnauthorized();
        else if (live) setState({ error: e.message });
      });
    return () => (live = false);
  }, [path, dep]);
  return state;
}

function Problem({ state }) {
  if (state.error) return <p class="error">{state.error}</p>;
  if (state.loading && !state.data) return <p class="muted">Loading…</p>;
  return null;
}

function Badge({ value }) {
  return <span class={'badge b-' + (value || 'Unknown')}>{value || 'Unknown'}</span>;
}

function TokenForm({ onDone }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value);
        onDone();
      }}
    >
      <p>
        This audit API needs its token: <code>cat .opsledger/api-token</code> for{' '}
        <code>opsledger up</code>. It is kept for this tab only.
      </p>
      <input
        name="token"
        type="password"
        autocomplete="off"
        placeholder="API token"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit">Open</button>
    </form>
  );
}

function StatusView({ onUnauthorized }) {
  const initial = useApi('status', {}, onUnauthorized);
  const [pushed, setPushed] = useState(null);
  // The sync states each resource went through since the page opened, as the stream told them:
  // a drift healed in a second still shows as "Drifted → InSync".
  const [trails, setTrails] = useState({});
  const [conn, setConn] = useState('connecting');
  const [text, setText] = useState('');
  const [sync, setSync] = useState('');
  const [health, setHealth] = useState('');
  useEffect(
    () =>
      follow(
        (type, data) => {
          if (type === 'status') setPushed(data);
          if (type === 'change' && data.syncState) {
            setTrails((t) => {
              const trail = t[data.resource] || [];
              if (trail.length && trail[trail.length - 1].state === data.syncState) return t;
              return { ...t, [data.resource]: [...trail, { state: data.syncState, time: data.time }].slice(-4) };
            });
            setPushed((p) =>
              p && {
                ...p,
                resources: p.resources.map((r) =>
                  r.key === data.resource ? { ...r, state: { ...r.state, syncState: data.syncState } } : r,
                ),
              },
            );
          }
        },
        (s) => (s === 'unauthorized' ? onUnauthorized() : setConn(s)),
      ),
    [],
  );
  const status = pushed || initial.data;
  const rows = status ? status.resources : [];
  const shown = rows.filter(
    (r) =>
      (!text || r.key.toLowerCase().includes(text.toLowerCase())) &&
      (!sync || r.state.syncState === sync) &&
      (!health || r.state.health === health),
  );
  const options = (f) => [...new Set(rows.map((r) => r.state[f]))].sort();
  return (
    <section>
      <h2>
        Status <span class={'conn conn-' + conn}>{conn}</span>
      </h2>
      <div class="filters">
        <input
          name="filter"
          placeholder="filter resources"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <select name="sync" value={sync} onChange={(e) => setSync(e.currentTarget.value)}>
          <option value="">every sync state</option>
          {options('syncState').map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
        <select name="health" value={health} onChange={(e) => setHealth(e.currentTarget.value)}>
          <option value="">every health</option>
          {options('health').map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
        <span class="muted">
          {shown.length} of {rows.length}
        </span>
      </div>
      <Problem state={initial} />
      {status && status.warnings.map((w) => <p class="warning">{w}</p>)}
      <table class="status">
        <thead>
          <tr>
            <th>resource</th>
            <th>sync</th>
            <th>health</th>
            <th>revision</th>
            <th>author</th>
            <th>last apply</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr data-resource={r.key} data-sync={r.state.syncState}>
              <td>
                <a href={'#/resource/' + encodeURIComponent(r.key)}>{r.key}</a>
                {r.awaitingApproval && <span class="note">awaits approval</span>}
                {r.leftAsIs && <span class="note">left as is</span>}
              </td>
              <td class="sync">
                <Badge value={r.state.syncState} />
                {trails[r.key] && (
                  <div class="trail" data-trail={trails[r.key].map((x) => x.state).join(' ')}>
                    {trails[r.key].map((x, i) => (
                      <span>
                        {i > 0 && ' → '}
                        {x.state} <span class="muted">{new Date(x.time).toLocaleTimeString()}</span>
                      </span>
                    ))}
                  </div>
                )}
              </td>
              <td title={r.state.healthMessage}>
                <Badge value={r.state.health} />
              </td>
              <td>
                {r.state.declaredRevision && (
                  <a href={'#/timeline/' + r.state.declaredRevision}>
                    <code>{short(r.state.declaredRevision)}</code>
                  </a>
                )}
              </td>
              <td>{r.state.author?.name}</td>
              <td>
                {r.state.lastApply} <span class="muted">{when(r.state.lastApplyAt)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A unified diff, one line per row, added and removed lines marked (values as the API masked them). */
function DiffView({ text }) {
  return (
    <pre class="diff">
      {text.split('\n').map((l) => (
        <div
          class={
            l.startsWith('+++') || l.startsWith('---')
              ? 'd-file'
              : l.startsWith('+')
                ? 'd-add'
                : l.startsWith('-')
                  ? 'd-del'
                  : l.startsWith('@@')
                    ? 'd-hunk'
                    : ''
          }
        >
          {l || ' '}
        </div>
      ))}
    </pre>
  );
}

function Pr({ pr }) {
  if (!pr) return null;
  const label = 'PR #' + pr.number;
  return pr.url ? (
    <a class="pr" href={pr.url} rel="noreferrer">
      {label}
    </a>
  ) : (
    <span class="pr">{label}</span>
  );
}

function ResourceView({ resource, onUnauthorized }) {
  const state = useApi('history', { resource }, onUnauthorized);
  const entries = state.data ? [...state.data.entries].reverse() : [];
  return (
    <section>
      <h2>
        History of <code>{resource}</code>
      </h2>
      <Problem state={state} />
      {state.data?.unreadable?.length > 0 && (
        <p class="warning">{state.data.unreadable.length} records could not be read</p>
      )}
      <ol class="history">
        {entries.map((e) => (
          <li class={'h-' + e.topic.split('.').pop()} data-type={e.type}>
            <div class="h-head">
              <span class="h-time">{when(e.time)}</span>
              <span class="h-topic">{e.topic.split('.').pop()}</span>
              <span class="h-summary">{e.summary}</span>
            </div>
            {e.revision && (
              <div class="h-commit">
                <a href={'#/timeline/' + e.revision}>
                  <code>{short(e.revision)}</code>
                </a>
                {e.author && (
                  <span class="author">
                    {e.author.name} &lt;{e.author.email}&gt;
                  </span>
                )}
                <Pr pr={e.pullRequest} />
              </div>
            )}
            {e.data?.diff && (
              <details open={e.type === 'dev.opsledger.diff.detected'}>
                <summary>diff ({(e.data.changedPaths || []).length} paths)</summary>
                <DiffView text={e.data.diff} />
              </details>
            )}
            {e.data?.error && <p class="error">{e.data.error}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function TimelineView({ sha, onUnauthorized }) {
  const state = useApi('timeline', { sha }, onUnauthorized);
  const t = state.data;
  const marks = t
    ? [
        ['desired', t.firstDesiredMillis],
        ['diff', t.firstDiffMillis],
        ['apply', t.firstApplyMillis],
        ['in sync', t.allInSyncMillis],
        ['healthy', t.allHealthyMillis],
      ]
    : [];
  const steps = t ? t.steps : [];
  const span = Math.max(1, ...steps.map((s) => s.sinceCommitMillis), ...marks.map((m) => m[1]));
  const width = 900;
  const x = (v) => 150 + (Math.max(0, v) / span) * (width - 230);
  const lanes = [...new Set(steps.map((s) => s.subject))];
  return (
    <section>
      <h2>
        Commit <code>{short(sha)}</code>
      </h2>
      <Problem state={state} />
      {t && (
        <>
          <p>
            {t.author?.name} <Pr pr={t.pullRequest} /> · committed {when(t.committedAt)} · recorded{' '}
            {when(t.recordedAt)}
          </p>
          <ol class="milestones">
            {marks.map(([name, v]) => (
              <li class={v < 0 ? 'pending' : 'done'}>
                <b>{name}</b> {ms(v)}
              </li>
            ))}
          </ol>
          <svg
            class="timeline"
            viewBox={`0 0 ${width} ${52 + lanes.length * 22}`}
            role="img"
            aria-label="commit timeline"
          >
            <line x1="150" x2={width - 20} y1="32" y2="32" class="axis" />
            {marks
              .filter((m) => m[1] >= 0)
              .sort((a, b) => a[1] - b[1])
              .map(([name, v], i) => (
                // Labels on three rows in time order, so close milestones do not overlap.
                <g>
                  <line x1={x(v)} x2={x(v)} y1={2 + (i % 3) * 10} y2={42 + lanes.length * 22} class="mark" />
                  <text x={x(v) + 3} y={9 + (i % 3) * 10} class="mark-label">
                    {name}
                  </text>
                </g>
              ))}
            {lanes.map((lane, i) => (
              <text x="0" y={56 + i * 22} class="lane">
                {lane.length > 24 ? '…' + lane.slice(-23) : lane}
              </text>
            ))}
            {steps.map((s) => (
              <circle
                cx={x(s.sinceCommitMillis)}
                cy={52 + lanes.indexOf(s.subject) * 22}
                r="5"
                class={'step s-' + s.type.split('.').slice(-2).join('-')}
              >
                <title>
                  {s.type} · {ms(s.sinceCommitMillis)} · {s.summary}
                </title>
              </circle>
            ))}
          </svg>
          <table>
            <thead>
              <tr>
                <th>+</th>
                <th>step</th>
                <th>subject</th>
                <th>summary</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr>
                  <td>{ms(s.sinceCommitMillis)}</td>
                  <td>{s.type.replace('dev.opsledger.', '')}</td>
                  <td>{s.subject}</td>
                  <td>{s.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function StateAtView({ onUnauthorized }) {
  const [now] = useState(() => new Date());
  const changes = useApi(
    'changes',
    { since: new Date(0).toISOString(), until: now.toISOString() },
    onUnauthorized,
  );
  const commits = (changes.data || []).filter((c) => c.kind === 'commit');
  const start = commits.length
    ? Math.floor(new Date(commits[0].time).getTime() / 1000) - 60
    : Math.floor(now.getTime() / 1000) - 3600;
  const end = Math.ceil(now.getTime() / 1000);
  const [at, setAt] = useState(end);
  const [asked, setAsked] = useState(end);
  const iso = new Date(asked * 1000).toISOString().replace('.000Z', 'Z');
  const state = useApi('state', { at: iso }, onUnauthorized);
  const list = useMemo(() => commits.map((c) => c.revision), [changes.data]);
  return (
    <section>
      <h2>State at {new Date(at * 1000).toLocaleString()}</h2>
      <Problem state={changes} />
      <div class="slider">
        <input
          name="at"
          type="range"
          min={start}
          max={end}
          step="1"
          value={at}
          onInput={(e) => setAt(Number(e.currentTarget.value))}
          onChange={(e) => setAsked(Number(e.currentTarget.value))}
        />
        <div class="ticks">
          {commits.map((c) => (
            <button
              class="tick"
              title={c.message}
              onClick={() => {
                const s = Math.floor(new Date(c.time).getTime() / 1000) + 1;
                setAt(s);
                setAsked(s);
              }}
            >
              <code>{short(c.revision)}</code> {c.message}
            </button>
          ))}
        </div>
      </div>
      <Problem state={state} />
      <table class="state-at" data-at={iso}>
        <thead>
          <tr>
            <th>resource</th>
            <th>declared revision</th>
            <th>commit</th>
            <th>live</th>
            <th>sync</th>
            <th>health</th>
          </tr>
        </thead>
        <tbody>
          {(state.data?.resources || [])
            .filter((r) => r.resource.name !== '*')
            .map((r) => (
              <tr data-resource={keyText(r.resource)} data-revision={r.declaredRevision || ''}>
                <td>{keyText(r.resource)}</td>
                <td>
                  <code>{r.declared ? short(r.declaredRevision) : 'not declared'}</code>
                </td>
                <td class="muted">
                  {list.includes(r.declaredRevision)
                    ? commits.find((c) => c.revision === r.declaredRevision).message
                    : ''}
                </td>
                <td>{r.observed}</td>
                <td>
                  <Badge value={r.syncState} />
                </td>
                <td>
                  <Badge value={r.health} />
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

function App() {
  const route = useRoute();
  const [needToken, setNeedToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  const ask = () => setNeedToken(true);
  const tabs = [
    ['status', 'Status'],
    ['state', 'State at'],
  ];
  let view;
  if (needToken) {
    view = (
      <TokenForm
        onDone={() => {
          setNeedToken(false);
          setGeneration((g) => g + 1);
        }}
      />
    );
  } else if (route.view === 'resource') {
    view = <ResourceView resource={route.arg} onUnauthorized={ask} />;
  } else if (route.view === 'timeline') {
    view = <TimelineView sha={route.arg} onUnauthorized={ask} />;
  } else if (route.view === 'state') {
    view = <StateAtView onUnauthorized={ask} />;
  } else {
    view = <StatusView onUnauthorized={ask} />;
  }
  return (
    <>
      <header>
        <h1>OpsLedger</h1>
        <nav>
          {tabs.map(([v, label]) => (
            <a href={'#/' + v} class={route.view === v ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="muted">read-only view of the log</span>
      </header>
      <main key={generation}>{view}</main>
    </>
  );
}

adoptTokenFromUrl();
render(<App />, document.getElementById('app'));
