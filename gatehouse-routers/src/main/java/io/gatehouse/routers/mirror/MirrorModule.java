package io.gatehouse.routers.mirror;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.router.Router;
import io.gatehouse.api.router.RouterContext;
import io.gatehouse.api.router.RouterModule;
import java.util.List;

/**
 * The mirror module: every statement goes to all the service's targets, the client gets the main target's answer,
 * and what each target answered (checksum, rows, warnings, duration, kind) is exported as one JSON object per
 * statement, as MaxScale's mirror router does. Stateless and thread-safe; holds no buffers.
 */
public final class MirrorModule implements RouterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("mirror", ModuleKind.ROUTER,
            Maturity.BETA, ApiVersion.CURRENT, "Sends statements to several targets and compares their results",
            "1.0.0", List.of(
                    ParamSpec.required("main", ParamType.TARGET, true,
                            "The target whose results the client gets; one of the service's targets"),
                    new ParamSpec("exporter", ParamType.ENUM, null, true, true, List.of("log", "file", "kafka"),
                            "Where the reports go: the log (info level) or a file"),
                    ParamSpec.of("file", ParamType.STRING, null, true,
                            "The file the reports are appended to, one JSON object a line (exporter=file)"),
                    ParamSpec.of("kafka_broker", ParamType.STRING, null, true,
                            "Kafka brokers (exporter=kafka, which Gatehouse refuses)"),
                    ParamSpec.of("kafka_topic", ParamType.STRING, null, true,
                            "Kafka topic (exporter=kafka, which Gatehouse refuses)"),
                    ParamSpec.oneOf("on_error", ParamType.ENUM, "ignore", true, List.of("ignore", "close"),
                            "When a connection to a target other than main fails: drop that target (ignore) or end"
                                    + " the client's session (close)"),
                    ParamSpec.oneOf("report", ParamType.ENUM, "always", true, List.of("always", "on_conflict"),
                            "Report every statement, or only those whose results differ between targets")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        String exporter = params.string("exporter");
        if (exporter.equals("kafka")) {
            throw new IllegalArgumentException("[" + params.section() + "] exporter: 'kafka' (expected: log or file;"
                    + " Gatehouse has no Kafka client)");
        }
        String file = params.string("file");
        if (exporter.equals("file") && (file == null || file.isBlank())) {
            throw new IllegalArgumentException("[" + params.section() + "] file: missing (expected: the path of the"
                    + " report file, which exporter=file needs)");
        }
        String key = params.has("targets") ? "targets" : params.has("servers") ? "servers" : null;
        String main = params.string("main");
        if (key != null && params.list(key).stream().noneMatch(t -> t.equals(main))) {
            throw new IllegalArgumentException("[" + params.section() + "] main: '" + main + "' (expected: one of the"
                    + " service's " + key + ": " + String.join(", ", params.list(key)) + ")");
        }
    }

    @Override
    public Router create(RouterContext context) {
        return new MirrorRouter(context);
    }
}
