package io.gatehouse.examples.clienttag;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.util.List;

/**
 * The {@code clienttag} filter module: puts a comment naming the client's address in front of every statement, so
 * the server's general log, slow log and process list show which client sent it. Stateless; Gatehouse creates it
 * once at start (found through {@code META-INF/services/io.gatehouse.api.Module}) and calls it from any thread.
 */
public final class ClientTagFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("clienttag", ModuleKind.FILTER,
            Maturity.EXPERIMENTAL, new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR),
            "Tags each statement with a comment carrying the client's address", "1.0.0",
            List.of(ParamSpec.of("tag", ParamType.STRING, "client", true,
                    "The word before the address in the comment: /* TAG=ADDRESS */")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        String tag = params.string("tag");
        // The tag goes inside a comment: anything that could end the comment would let a configuration inject SQL.
        if (tag.isEmpty() || !tag.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            throw new IllegalArgumentException("[" + params.section() + "] tag: '" + tag
                    + "' (expected: letters, digits, '_' or '-')");
        }
    }

    @Override
    public Filter create(String name, Params params) {
        return new ClientTagFilter(params.string("tag"));
    }
}
