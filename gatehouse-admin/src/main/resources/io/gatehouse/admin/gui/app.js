// The GUI's shell: the login form until there is a token, then a header with the pages and a hash router
// (#/dashboard, #/topology, #/statistics, #/sql, #/<type>/<name>).
'use strict';
const Login = {
  setup() {
    const user = Vue.ref('');
    const password = Vue.ref('');
    const error = Vue.ref('');
    async function submit() {
      error.value = '';
      try {
        await GH.login(user.value, password.value);
      } catch (e) {
        error.value = e.message;
      }
    }
    return { user, password, error, submit };
  },
  template: `
  <form class="card login" @submit.prevent="submit">
    <h3>Gatehouse: log in</h3>
    <label for="login-user">User</label><input id="login-user" v-model="user" autocomplete="username">
    <label for="login-password">Password</label>
    <input id="login-password" type="password" v-model="password" autocomplete="current-password">
    <div class="msg err" v-if="error">{{ error }}</div>
    <div class="row"><button id="login-submit" type="submit">Log in</button></div>
  </form>`
};

const App = {
  components: { Login },
  setup() {
    const hash = Vue.ref(location.hash || '#/dashboard');
    window.addEventListener('hashchange', () => { hash.value = location.hash || '#/dashboard'; });
    const route = Vue.computed(() => {
      const parts = hash.value.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
      return { page: parts[0] || 'dashboard', type: parts[0], name: parts.slice(1).join('/') };
    });
    const auth = GH.auth;
    return { route, auth, logout: GH.logout };
  },
  template: `
  <Login v-if="!auth.token"></Login>
  <template v-else>
    <header>
      <span class="brand">Gatehouse</span>
      <nav>
        <a href="#/dashboard" :class="{active: route.page==='dashboard'}">Dashboard</a>
        <a href="#/topology" :class="{active: route.page==='topology'}">Topology</a>
        <a href="#/statistics" :class="{active: route.page==='statistics'}">Statements</a>
        <a href="#/sql" :class="{active: route.page==='sql'}">SQL</a>
      </nav>
      <span class="who">{{ auth.user }} <button class="secondary" id="logout" @click="logout">Log out</button></span>
    </header>
    <main>
      <Dashboard v-if="route.page==='dashboard'"></Dashboard>
      <Topology v-else-if="route.page==='topology'"></Topology>
      <Statements v-else-if="route.page==='statistics'"></Statements>
      <SqlEditor v-else-if="route.page==='sql'"></SqlEditor>
      <ObjectPage v-else :type="route.type" :name="route.name" :key="route.type + '/' + route.name"></ObjectPage>
    </main>
  </template>`
};

const app = Vue.createApp(App);
app.component('Dashboard', GH.Dashboard);
app.component('Topology', GH.Topology);
app.component('Statements', GH.Statements);
app.component('SqlEditor', GH.SqlEditor);
app.component('ObjectPage', GH.ObjectPage);
app.mount('#app');
