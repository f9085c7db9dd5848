package io.gatehouse.filters.rewritefilter;

import io.gatehouse.api.ApiVersion;
import io.gatehouse.api.Maturity;
import io.gatehouse.api.ModuleDescriptor;
import io.gatehouse.api.ModuleKind;
import io.gatehouse.api.config.ParamSpec;
import io.gatehouse.api.config.ParamType;
import io.gatehouse.api.config.Params;
import io.gatehouse.api.filter.Filter;
import io.gatehouse.api.filter.FilterModule;
import java.nio.file.Path;
import java.util.List;

/**
 * The rewritefilter module: rewrites statements with the templates of a {@code template_file} (MaxScale's native
 * placeholder syntax or a regex grammar; rf or JSON format), with MaxScale's parameters ({@code template_file},
 * {@code regex_grammar}, {@code case_sensitive}, {@code log_replacement}). The file is read when the filter is made:
 * at start, and again whenever the filter's parameters are changed at runtime; a file with an error is refused as a
 * whole, so the filter keeps its previous templates. Stateless.
 */
public final class RewriteFilterModule implements FilterModule {
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("rewritefilter", ModuleKind.FILTER,
            Maturity.GA, ApiVersion.CURRENT, "Rewrite filter", "1.0.0", List.of(
                    new ParamSpec("template_file", ParamType.STRING, null, true, true, List.of(),
                            "The file of rewrite templates (.rf or .json); read again when the filter is altered"),
                    ParamSpec.of("regex_grammar", ParamType.STRING, "Native", true,
                            "The default grammar of templates: " + TemplateOptions.Grammar.labels()),
                    ParamSpec.of("case_sensitive", ParamType.BOOL, "true", true,
                            "Whether templates match case-sensitively by default"),
                    ParamSpec.of("log_replacement", ParamType.BOOL, "false", true,
                            "Log each rewrite (the statement before and after)")));

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(Params params) {
        rules(params);
    }

    @Override
    public Filter create(String name, Params params) {
        return new RewriteFilter(name, file(params), rules(params), params.bool("log_replacement"));
    }

    /** Reads and compiles the template file; throws {@link IllegalArgumentException} naming the section. */
    private static List<RewriteRule> rules(Params params) {
        String grammarText = params.string("regex_grammar");
        TemplateOptions.Grammar grammar = TemplateOptions.Grammar.of(grammarText);
        if (grammar == null) {
            throw new IllegalArgumentException("[" + params.section() + "] regex_grammar: '" + grammarText
                    + "' (expected: one of " + TemplateOptions.Grammar.labels() + ")");
        }
        Path file = file(params);
        try {
            return TemplateFile.read(file, TemplateOptions.defaults(grammar, params.bool("case_sensitive")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + params.section() + "] template_file: '" + file + "' ("
                    + e.getMessage() + ")");
        }
    }

    private static Path file(Params params) {
        String f = params.string("template_file");
        if (f == null || f.isBlank()) {
            throw new IllegalArgumentException("[" + params.section() + "] template_file: missing (expected: the path"
                    + " of a .rf or .json template file)");
        }
        return Path.of(f.trim());
    }
}
