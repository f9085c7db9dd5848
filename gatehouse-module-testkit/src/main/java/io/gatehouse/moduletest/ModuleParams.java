package io.gatehouse.moduletest;

import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link Params} a module receives from the text a configuration section would hold, with the module's
 * defaults filled in and each value parsed and checked as Gatehouse does when it loads {@code maxscale.cnf}.
 * Stateless; any thread.
 */
public final class ModuleParams {
    private ModuleParams() {
    }

    /**
     * Parses {@code texts} against {@code descriptor}'s parameters. Throws {@link IllegalArgumentException} naming
     * the parameter for an unknown parameter, a missing mandatory one or a value of the wrong form.
     */
    public static Params of(ModuleDescriptor descriptor, String section, Map<String, String> texts) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : texts.keySet()) {
            if (descriptor.parameter(name) == null) {
                throw new IllegalArgumentException("[" + section + "] " + name + ": unknown parameter of module '"
                        + descriptor.name() + "'");
            }
        }
        for (ParamSpec spec : descriptor.parameters()) {
            String text = texts.containsKey(spec.name()) ? texts.get(spec.name()) : spec.defaultValue();
            if (text == null) {
                if (spec.mandatory()) {
                    throw new IllegalArgumentException("[" + section + "] " + spec.name() + ": missing (mandatory)");
                }
                continue;
            }
            try {
                values.put(spec.name(), ValueParser.parse(spec, text));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("[" + section + "] " + spec.name() + ": '" + text + "' (expected: "
                        + spec.rule() + ")", e);
            }
            given.put(spec.name(), text);
        }
        Params params = new Params(section, values, given);
        return params;
    }
}
