package io.gatehouse.monitors.galeramon;

import static io.gatehouse.api.config.ParamSpec.of;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import java.util.List;

/**
 * The galeramon module: monitors the nodes of a Galera cluster, marks those in sync Synced and, unless told not to,
 * gives one of them the Master role and the others the Slave role. Parameter names and defaults are MaxScale's; the
 * common monitor parameters (user, password, monitor_interval, backend_*) come from the core. Stateless.
 */
public final class GaleraMonitorModule implements MonitorModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("galeramon", ModuleKind.MONITOR,
            Maturity.GA, ApiVersion.CURRENT, "A Galera cluster monitor", "1.0.0", List.of(
                    of("disable_master_failback", ParamType.BOOL, "false", true,
                            "Keep the Master role on its current node while that node stays usable"),
                    of("available_when_donor", ParamType.BOOL, "false", true,
                            "Keep a node usable (Synced) while it is a donor or desynced by a backup"),
                    of("disable_master_role_setting", ParamType.BOOL, "false", true,
                            "Assign no Master or Slave roles: Synced is the only role set"),
                    of("use_priority", ParamType.BOOL, "false", true,
                            "Choose the Master by the servers' priority parameter (lowest positive value)"),
                    of("root_node_as_master", ParamType.BOOL, "false", true,
                            "Only the node with wsrep_local_index 0 may be the Master"),
                    of("set_donor_nodes", ParamType.BOOL, "false", true,
                            "Set wsrep_sst_donor on the nodes to an ordered list of preferred donors")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Monitor create(MonitorContext context) {
        validate(context.params());
        return new GaleraMonitor(context);
    }
}
