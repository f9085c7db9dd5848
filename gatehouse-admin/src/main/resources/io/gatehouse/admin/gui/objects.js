// One object's page (#/servers/x, #/services/x, #/monitors/x, #/listeners/x, #/filters/x): its state, its
// relationships, its parameters, each editable at runtime through PATCH (the proxy applies and persists the change,
// or refuses it naming the parameter), and the object's commands: maintenance for a server; switchover, failover
// and rejoin for a monitor.
'use strict';

function paramText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

GH.ObjectPage = {
  props: ['type', 'name'],
  setup(props) {
    const doc = Vue.ref(null);
    const edits = Vue.reactive({});
    const error = Vue.ref('');
    const paramMsg = Vue.ref(null);
    const commandMsg = Vue.ref(null);
    const busy = Vue.ref(false);
    const switchTo = Vue.ref('');
    const servers = Vue.ref([]);
    async function refresh() {
      try {
        const d = await GH.get(props.type + '/' + encodeURIComponent(props.name));
        doc.value = d.data;
        for (const [k, v] of Object.entries(d.data.attributes.parameters || {})) {
          if (!(k in edits)) edits[k] = paramText(v);
        }
        if (props.type === 'monitors') {
          const sv = await GH.get('servers');
          const mine = (((d.data.relationships || {}).servers || {}).data || []).map(x => x.id);
          servers.value = sv.data.filter(s => mine.includes(s.id));
          const candidates = servers.value.filter(s => GH.role(s.attributes.state).cls === 'replica');
          if (!switchTo.value && candidates.length) switchTo.value = candidates[0].id;
        }
        error.value = '';
      } catch (e) {
        error.value = e.message;
      }
    }
    GH.poll(refresh, 2000);
    const params = Vue.computed(() => doc.value ? Object.entries(doc.value.attributes.parameters || {}) : []);
    const changed = k => doc.value && edits[k] !== paramText(doc.value.attributes.parameters[k]);
    async function save(k) {
      paramMsg.value = null;
      try {
        await GH.call('PATCH', props.type + '/' + encodeURIComponent(props.name),
            { data: { attributes: { parameters: { [k]: edits[k] } } } });
        paramMsg.value = { ok: true, text: k + ' = ' + edits[k] + ': saved' };
        delete edits[k];
        await refresh();
      } catch (e) {
        paramMsg.value = { ok: false, text: e.message };
      }
    }
    async function command(what, args) {
      commandMsg.value = null;
      busy.value = true;
      try {
        const module = doc.value.attributes.module;
        const q = [props.name, ...args].map(encodeURIComponent).join('&');
        const out = await GH.call('POST', 'maxscale/modules/' + module + '/' + what + '?' + q);
        const detail = out && out.meta ? (out.meta.result || JSON.stringify(out.meta)) : 'done';
        commandMsg.value = { ok: true, text: what + ': ' + detail };
      } catch (e) {
        commandMsg.value = { ok: false, text: what + ' failed: ' + e.message };
      } finally {
        busy.value = false;
        await refresh();
      }
    }
    async function maintenance(on) {
      commandMsg.value = null;
      try {
        await GH.call('PUT', 'servers/' + encodeURIComponent(props.name) + '/' + (on ? 'set' : 'clear') + '?state=maintenance');
        commandMsg.value = { ok: true, text: 'maintenance ' + (on ? 'set' : 'cleared') };
      } catch (e) {
        commandMsg.value = { ok: false, text: e.message };
      }
      await refresh();
    }
    async function trace(on) {
      commandMsg.value = null;
      try {
        await GH.call('PATCH', 'sessions/' + encodeURIComponent(props.name),
            { data: { attributes: { parameters: { trace: on } } } });
        commandMsg.value = { ok: true, text: on ? 'tracing: each statement is listed below and logged' : 'trace stopped' };
      } catch (e) {
        commandMsg.value = { ok: false, text: e.message };
      }
      await refresh();
    }
    const traced = Vue.computed(() => doc.value && doc.value.attributes.trace_entries
        ? doc.value.attributes.trace_entries.slice(-20).reverse() : []);
    const relationships = Vue.computed(() => {
      const r = (doc.value && doc.value.relationships) || {};
      return Object.entries(r).map(([kind, v]) => ({ kind, ids: (Array.isArray(v.data) ? v.data : v.data ? [v.data] : []).map(x => x.id) }));
    });
    const facts = Vue.computed(() => {
      if (!doc.value) return [];
      const a = doc.value.attributes;
      return ['state', 'user', 'remote', 'connected', 'trace', 'router', 'module', 'replication_lag', 'version_string', 'gtid_current_pos', 'connections', 'last_error']
          .filter(k => a[k] !== undefined && a[k] !== null)
          .map(k => [k, Array.isArray(a[k]) ? a[k].map(x => x && x.server ? x.server + ' (connection ' + x.connection_id + ')' : x).join(', ') : a[k]]);
    });
    const role = GH.role;
    return { doc, edits, error, params, changed, save, paramMsg, commandMsg, busy, switchTo, servers, command,
      maintenance, relationships, facts, role, trace, traced };
  },
  template: `
  <h2>{{ type.replace(/s$/, '') }} <span id="object-name">{{ name }}</span></h2>
  <div class="msg err" v-if="error">{{ error }}</div>
  <div class="grid" v-if="doc">
    <div class="card">
      <h3>State</h3>
      <table><tr v-for="f in facts"><th>{{ f[0] }}</th><td :data-fact="f[0]">{{ f[1] }}</td></tr></table>
      <h3 style="margin-top:12px">Relationships</h3>
      <table><tr v-for="r in relationships"><th>{{ r.kind }}</th>
        <td><template v-for="(id, i) in r.ids"><span v-if="i">, </span><a :href="'#/' + r.kind + '/' + id">{{ id }}</a></template></td></tr></table>
    </div>
    <div class="card" v-if="type === 'servers'">
      <h3>Commands</h3>
      <div class="row">
        <button id="maintenance-set" @click="maintenance(true)">Set maintenance</button>
        <button id="maintenance-clear" class="secondary" @click="maintenance(false)">Clear maintenance</button>
      </div>
      <div id="command-result" class="msg" :class="commandMsg.ok ? 'ok' : 'err'" v-if="commandMsg">{{ commandMsg.text }}</div>
    </div>
    <div class="card" v-if="type === 'monitors'">
      <h3>Cluster</h3>
      <table>
        <tr v-for="s in servers" :key="s.id" :data-server="s.id"><td><a :href="'#/servers/' + s.id">{{ s.id }}</a></td>
          <td class="role"><span class="badge" :class="role(s.attributes.state).cls">{{ role(s.attributes.state).text }}</span></td>
          <td>{{ s.attributes.state }}</td></tr>
      </table>
      <h3 style="margin-top:12px">Commands</h3>
      <div class="row">
        <span>Switchover to</span>
        <select id="switchover-target" v-model="switchTo"><option v-for="s in servers" :value="s.id">{{ s.id }}</option></select>
        <button id="switchover-run" :disabled="busy || !switchTo" @click="command('switchover', [switchTo])">Switchover</button>
      </div>
      <div class="row">
        <button id="failover-run" class="secondary" :disabled="busy" @click="command('failover', [])">Failover</button>
        <button id="rejoin-run" class="secondary" :disabled="busy || !switchTo" @click="command('rejoin', [switchTo])">Rejoin selected</button>
        <span class="muted" v-if="busy">running…</span>
      </div>
      <div id="command-result" class="msg" :class="commandMsg.ok ? 'ok' : 'err'" v-if="commandMsg">{{ commandMsg.text }}</div>
    </div>
    <div class="card wide" v-if="type === 'sessions'">
      <h3>Routing trace</h3>
      <div class="row">
        <button id="trace-on" v-if="!doc.attributes.trace" @click="trace(true)">Trace this session</button>
        <button id="trace-off" class="secondary" v-else @click="trace(false)">Stop tracing</button>
        <span class="muted">The last {{ traced.length }} traced statements, newest first.</span>
      </div>
      <div id="command-result" class="msg" :class="commandMsg.ok ? 'ok' : 'err'" v-if="commandMsg">{{ commandMsg.text }}</div>
      <table id="trace">
        <tr><th>Time</th><th>Statement</th><th>Rule</th><th>Target</th><th>Weighed</th></tr>
        <tr v-for="(t, i) in traced" :key="i" class="trace-entry">
          <td>{{ t.time }}</td>
          <td><div class="mono">{{ t.statement }}</div><div class="muted">{{ t.classification }}</div></td>
          <td class="rule">{{ t.rule }}</td><td class="target">{{ t.target }}</td>
          <td><div v-for="f in t.facts">{{ f }}</div></td>
        </tr>
      </table>
    </div>
    <div class="card wide" v-if="params.length">
      <h3>Parameters</h3>
      <div id="param-result" class="msg toast" :class="paramMsg.ok ? 'ok' : 'err'" v-if="paramMsg">{{ paramMsg.text }}</div>
      <table class="params">
        <tr v-for="[k, v] in params" :key="k">
          <th class="mono">{{ k }}</th>
          <td><input :data-param="k" v-model="edits[k]" size="22"></td>
          <td><button :data-save="k" v-if="changed(k)" @click="save(k)">Save</button></td>
        </tr>
      </table>
    </div>
  </div>`
};
