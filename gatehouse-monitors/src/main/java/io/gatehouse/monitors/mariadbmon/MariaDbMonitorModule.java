package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.monitor.Monitor;
import io.gatehouse.api.monitor.MonitorContext;
import io.gatehouse.api.monitor.MonitorModule;
import java.util.List;

/**
 * The mariadbmon module: monitors a MariaDB primary and its replicas. Cluster changes (failover, switchover, rejoin)
 * are not part of this version; asking for them is refused at start rather than silently ignored. Stateless.
 */
public final class MariaDbMonitorModule implements MonitorModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("mariadbmon", ModuleKind.MONITOR,
            Maturity.GA, ApiVersion.CURRENT, "A MariaDB Primary/Replica replication monitor", "1.0.0", List.of(
                    ParamSpec.of("failcount", ParamType.COUNT, "5", true,
                            "Failed monitoring passes before a primary counts as failed"),
                    ParamSpec.of("auto_failover", ParamType.STRING, "false", true,
                            "Automatic failover (not available yet: must be false)"),
                    ParamSpec.of("auto_rejoin", ParamType.BOOL, "false", true,
                            "Automatic rejoin (not available yet: must be false)")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        String af = params.string("auto_failover");
        if (!af.equalsIgnoreCase("false") && !af.equalsIgnoreCase("off") && !af.equals("0")) {
            throw new IllegalArgumentException("[" + params.section() + "] auto_failover: '" + af
                    + "' (expected: false; automatic failover is not available in this version)");
        }
        if (params.bool("auto_rejoin")) {
            throw new IllegalArgumentException("[" + params.section() + "] auto_rejoin: 'true'"
                    + " (expected: false; automatic rejoin is not available in this version)");
        }
    }

    @Override
    public Monitor create(MonitorContext context) {
        validate(context.params());
        return new MariaDbMonitor(context);
    }
}
