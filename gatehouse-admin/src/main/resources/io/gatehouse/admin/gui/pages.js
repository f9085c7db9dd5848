// The GUI's pages that span objects: the dashboard (servers, services, sessions, live charts), the topology graph,
// the statement statistics and the SQL editor (over /v1/sql). Each page reads the REST API and polls it.
'use strict';

// The query count and time total of a server's response-time distribution (reads and writes), for the charts.
function distributionTotals(server) {
  const d = ((server.attributes.statistics || {}).response_time_distribution) || {};
  let count = 0, seconds = 0;
  for (const op of ['read', 'write']) {
    for (const b of ((d[op] || {}).distribution || [])) {
      count += b.count;
      seconds += b.total;
    }
  }
  return { count, seconds };
}

function lineChart(canvas, label, color) {
  return Vue.markRaw(new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [{ label, data: [], borderColor: color, backgroundColor: color + '33', fill: true,
      tension: .25, pointRadius: 0 }] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } },
      plugins: { legend: { display: true } } }
  }));
}

function pushPoint(chart, label, value) {
  chart.data.labels.push(label);
  chart.data.datasets[0].data.push(value);
  if (chart.data.labels.length > 60) {
    chart.data.labels.shift();
    chart.data.datasets[0].data.shift();
  }
  chart.update();
}

GH.Dashboard = {
  setup() {
    const servers = Vue.ref([]);
    const services = Vue.ref([]);
    const sessions = Vue.ref([]);
    const error = Vue.ref('');
    const rateCanvas = Vue.ref(null);
    const latencyCanvas = Vue.ref(null);
    let rateChart = null, latencyChart = null, last = null;
    Vue.onMounted(() => {
      rateChart = lineChart(rateCanvas.value, 'queries per second', '#1f5fa8');
      latencyChart = lineChart(latencyCanvas.value, 'mean latency (ms)', '#2f855a');
    });
    Vue.onUnmounted(() => { rateChart && rateChart.destroy(); latencyChart && latencyChart.destroy(); });
    async function refresh() {
      try {
        const [sv, se, ss] = await Promise.all([GH.get('servers'), GH.get('services'), GH.get('sessions')]);
        servers.value = sv.data;
        services.value = se.data;
        sessions.value = ss.data;
        error.value = '';
        // The rate counts every statement the services routed; the latency comes from the servers' response-time
        // distributions, which count the replies the proxy tracks (not those a connection router streams).
        let count = 0, seconds = 0, routed = 0;
        for (const s of sv.data) {
          const t = distributionTotals(s);
          count += t.count;
          seconds += t.seconds;
        }
        for (const s of se.data) {
          routed += s.attributes.statistics.routed_packets || 0;
        }
        const now = Date.now();
        if (last && rateChart) {
          const dq = count - last.count;
          const label = new Date(now).toLocaleTimeString();
          pushPoint(rateChart, label, Math.max(0, routed - last.routed) / ((now - last.at) / 1000));
          pushPoint(latencyChart, label, dq > 0 ? (seconds - last.seconds) * 1000 / dq : 0);
        }
        last = { count, seconds, routed, at: now };
      } catch (e) {
        error.value = e.message;
      }
    }
    GH.poll(refresh, 2000);
    const role = GH.role;
    return { servers, services, sessions, error, rateCanvas, latencyCanvas, role };
  },
  template: `
  <div class="msg err" v-if="error">{{ error }}</div>
  <div class="grid">
    <div class="card">
      <h3>Servers</h3>
      <table id="servers">
        <tr><th>Server</th><th>Address</th><th>Role</th><th>State</th><th>Lag (s)</th><th>Connections</th></tr>
        <tr v-for="s in servers" :key="s.id" :data-server="s.id" :class="role(s.attributes.state).cls">
          <td><a :href="'#/servers/' + s.id">{{ s.id }}</a></td>
          <td class="mono">{{ s.attributes.parameters.address }}:{{ s.attributes.parameters.port }}</td>
          <td class="role"><span class="badge" :class="role(s.attributes.state).cls">{{ role(s.attributes.state).text }}</span></td>
          <td class="state">{{ s.attributes.state }}</td>
          <td class="num">{{ s.attributes.replication_lag < 0 ? '' : s.attributes.replication_lag }}</td>
          <td class="num">{{ s.attributes.statistics.connections }}</td>
        </tr>
      </table>
    </div>
    <div class="card">
      <h3>Services</h3>
      <table id="services">
        <tr><th>Service</th><th>Router</th><th>State</th><th>Sessions</th><th>Statements</th></tr>
        <tr v-for="s in services" :key="s.id">
          <td><a :href="'#/services/' + s.id">{{ s.id }}</a></td><td>{{ s.attributes.router }}</td>
          <td>{{ s.attributes.state }}</td><td class="num">{{ s.attributes.connections }}</td>
          <td class="num">{{ s.attributes.statistics.routed_packets }}</td>
        </tr>
      </table>
    </div>
    <div class="card"><h3>Query rate</h3><div class="chart"><canvas ref="rateCanvas"></canvas></div></div>
    <div class="card"><h3>Latency</h3><div class="chart"><canvas ref="latencyCanvas"></canvas></div></div>
    <div class="card wide">
      <h3>Sessions ({{ sessions.length }})</h3>
      <table id="sessions">
        <tr><th>Id</th><th>User</th><th>Client</th><th>Service</th><th>Connected</th></tr>
        <tr v-for="s in sessions" :key="s.id">
          <td><a :href="'#/sessions/' + s.id">{{ s.id }}</a></td><td>{{ s.attributes.user }}</td><td class="mono">{{ s.attributes.remote }}</td>
          <td>{{ ((s.relationships && s.relationships.services && s.relationships.services.data) || []).map(x => x.id).join(', ') }}</td>
          <td>{{ s.attributes.connected }}</td>
        </tr>
      </table>
    </div>
  </div>`
};

GH.Topology = {
  setup() {
    const clusters = Vue.ref([]);
    const error = Vue.ref('');
    async function refresh() {
      try {
        const [sv, mon] = await Promise.all([GH.get('servers'), GH.get('monitors')]);
        const byName = Object.fromEntries(sv.data.map(s => [s.id, s]));
        const out = [];
        for (const m of mon.data) {
          const names = (((m.relationships || {}).servers || {}).data || []).map(x => x.id).filter(n => byName[n]);
          const members = names.map(n => byName[n]);
          const primary = members.find(s => GH.role(s.attributes.state).cls === 'primary');
          const replicas = members.filter(s => s !== primary && primary
              && (s.attributes.master_id === primary.attributes.server_id || s.attributes.state.includes('Slave')));
          const others = members.filter(s => s !== primary && !replicas.includes(s));
          out.push(layout(m.id, primary, replicas, others));
        }
        clusters.value = out;
        error.value = '';
      } catch (e) {
        error.value = e.message;
      }
    }
    // Boxes: the primary on top, its replicas on the row below joined to it, servers outside replication last.
    function layout(name, primary, replicas, others) {
      const w = 170, h = 54, gap = 30;
      const row = Math.max(replicas.length, others.length, 1);
      const width = row * (w + gap) + gap;
      const node = (s, x, y) => ({ id: s.id, x, y, w, h, role: GH.role(s.attributes.state),
        lag: s.attributes.replication_lag });
      const top = primary ? node(primary, (width - w) / 2, 20) : null;
      const mid = replicas.map((s, i) => node(s, gap + i * (w + gap) + (row - replicas.length) * (w + gap) / 2, 130));
      const low = others.map((s, i) => node(s, gap + i * (w + gap), 240));
      const edges = top ? mid.map(r => ({ x1: top.x + w / 2, y1: top.y + h, x2: r.x + w / 2, y2: r.y, lag: r.lag })) : [];
      return { name, nodes: [top, ...mid, ...low].filter(Boolean), edges, width, height: low.length ? 310 : 200 };
    }
    GH.poll(refresh, 2000);
    const colors = { primary: '#2f855a', replica: '#3b6fb6', down: '#c53030', maint: '#b7791f', other: '#718096' };
    return { clusters, error, colors };
  },
  template: `
  <div class="msg err" v-if="error">{{ error }}</div>
  <div class="card" v-for="c in clusters" :key="c.name" :data-monitor="c.name">
    <h3>Monitor <a :href="'#/monitors/' + c.name">{{ c.name }}</a></h3>
    <svg :width="c.width" :height="c.height" class="topology">
      <g v-for="e in c.edges">
        <line :x1="e.x1" :y1="e.y1" :x2="e.x2" :y2="e.y2" stroke="#7b8794" stroke-width="2"></line>
        <text :x="e.x2 + 8" :y="e.y2 - 8" fill="#52606d">lag {{ e.lag < 0 ? '?' : e.lag + 's' }}</text>
      </g>
      <g v-for="n in c.nodes" :key="n.id" :data-node="n.id" :data-role="n.role.text">
        <rect :x="n.x" :y="n.y" :width="n.w" :height="n.h" rx="8" :fill="colors[n.role.cls]"></rect>
        <text :x="n.x + 10" :y="n.y + 22" fill="#fff" font-weight="700">{{ n.id }}</text>
        <text :x="n.x + 10" :y="n.y + 42" fill="#fff">{{ n.role.text }}</text>
      </g>
    </svg>
  </div>`
};

GH.Statements = {
  setup() {
    const rows = Vue.ref([]);
    const error = Vue.ref('');
    async function refresh() {
      try {
        rows.value = (await GH.get('statistics/statements?top=50')).data;
        error.value = '';
      } catch (e) {
        error.value = e.message;
      }
    }
    async function reset() {
      try {
        await GH.call('DELETE', 'statistics/statements');
        await refresh();
      } catch (e) {
        error.value = e.message;
      }
    }
    GH.poll(refresh, 3000);
    return { rows, error, reset };
  },
  template: `
  <div class="row"><h2>Statement statistics</h2><button class="secondary" @click="reset">Reset</button></div>
  <div class="msg err" v-if="error">{{ error }}</div>
  <div class="card">
    <table id="statements">
      <tr><th>Statement</th><th>Server</th><th>Count</th><th>Errors</th><th>Rows</th><th>p50 ms</th><th>p99 ms</th><th>Max ms</th><th>Last seen</th></tr>
      <tr v-for="r in rows" :key="r.id">
        <td class="mono">{{ r.attributes.statement }}</td><td>{{ r.attributes.server }}</td>
        <td class="num">{{ r.attributes.count }}</td><td class="num">{{ r.attributes.errors }}</td>
        <td class="num">{{ r.attributes.rows }}</td><td class="num">{{ r.attributes.latency.p50 }}</td>
        <td class="num">{{ r.attributes.latency.p99 }}</td><td class="num">{{ r.attributes.latency.max }}</td>
        <td>{{ r.attributes.last_seen }}</td>
      </tr>
    </table>
  </div>`
};

GH.SqlEditor = {
  setup() {
    const targets = Vue.ref([]);
    const form = Vue.reactive({ target: '', user: '', password: '', db: '' });
    const conn = Vue.ref(null);
    const sql = Vue.ref('SELECT @@hostname, @@port, NOW()');
    const results = Vue.ref([]);
    const info = Vue.ref('');
    const error = Vue.ref('');
    const running = Vue.ref(false);
    Vue.onMounted(async () => {
      try {
        const [sv, se, li] = await Promise.all([GH.get('servers'), GH.get('services'), GH.get('listeners')]);
        targets.value = [...sv.data.map(x => 'server: ' + x.id), ...se.data.map(x => 'service: ' + x.id),
          ...li.data.map(x => 'listener: ' + x.id)];
        form.target = form.target || (targets.value[0] || '');
      } catch (e) {
        error.value = e.message;
      }
    });
    async function connect() {
      error.value = '';
      try {
        const body = { target: form.target.replace(/^[a-z]+: /, ''), user: form.user, password: form.password };
        if (form.db) body.db = form.db;
        const doc = await GH.call('POST', 'sql', body);
        conn.value = { id: doc.data.id, token: doc.meta.token, target: body.target, thread: doc.data.attributes.thread_id };
      } catch (e) {
        error.value = e.message;
      }
    }
    async function run() {
      error.value = '';
      running.value = true;
      try {
        const c = conn.value;
        const doc = await GH.call('POST', 'sql/' + c.id + '/queries?token=' + encodeURIComponent(c.token),
            { sql: sql.value, max_rows: 1000 });
        results.value = doc.data.attributes.results;
        info.value = 'took ' + (doc.data.attributes.execution_time * 1000).toFixed(1) + ' ms';
      } catch (e) {
        error.value = e.message;
      } finally {
        running.value = false;
      }
    }
    async function disconnect() {
      const c = conn.value;
      conn.value = null;
      results.value = [];
      try {
        await GH.call('DELETE', 'sql/' + c.id + '?token=' + encodeURIComponent(c.token));
      } catch (e) {
        error.value = e.message;
      }
    }
    return { targets, form, conn, sql, results, info, error, running, connect, run, disconnect };
  },
  template: `
  <h2>SQL editor</h2>
  <div class="card" v-if="!conn">
    <form class="row" @submit.prevent="connect">
      <select id="sql-target" v-model="form.target"><option v-for="t in targets" :value="t">{{ t }}</option></select>
      <input id="sql-user" v-model="form.user" placeholder="database user">
      <input id="sql-password" v-model="form.password" type="password" placeholder="password">
      <input id="sql-db" v-model="form.db" placeholder="database (optional)">
      <button id="sql-connect" type="submit">Connect</button>
    </form>
    <p class="muted">The connection is made by the proxy with these database credentials; the admin login does not reach the database.</p>
  </div>
  <div class="card" v-else>
    <div class="row"><span id="sql-connected">Connected to <b>{{ conn.target }}</b> (connection id {{ conn.thread }})</span>
      <button class="secondary" @click="disconnect">Disconnect</button></div>
    <textarea id="sql-text" v-model="sql" rows="6" @keydown.ctrl.enter="run"></textarea>
    <div class="row"><button id="sql-run" @click="run" :disabled="running">Run (Ctrl+Enter)</button><span class="muted">{{ info }}</span></div>
  </div>
  <div class="msg err" v-if="error" id="sql-error">{{ error }}</div>
  <div class="card sql-result" v-for="(r, i) in results" :key="i">
    <div v-if="r.errno" class="msg err">Error {{ r.errno }} ({{ r.sqlstate }}): {{ r.message }}</div>
    <table v-else-if="r.fields">
      <tr><th v-for="f in r.fields">{{ f }}</th></tr>
      <tr v-for="row in r.data"><td v-for="v in row" class="mono">{{ v === null ? 'NULL' : v }}</td></tr>
    </table>
    <div v-else class="msg ok">OK: {{ r.affected_rows }} row(s) affected, last insert id {{ r.last_insert_id }}, {{ r.warnings }} warning(s)</div>
    <div v-if="r.fields && !r.complete" class="muted">Only the first rows are shown.</div>
  </div>`
};
