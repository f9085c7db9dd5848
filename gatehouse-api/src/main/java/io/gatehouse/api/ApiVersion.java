package io.gatehouse.api;

/**
 * The version of this module API, checked when a module is loaded: a module built for another major version is
 * refused. Immutable.
 *
 * @param major incompatible changes
 * @param minor compatible additions
 */
public record ApiVersion(int major, int minor) {
    /** The API version this build of Gatehouse implements. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 0);

    /** True when a module built against {@code this} version can run on {@code runtime}. */
    public boolean runsOn(ApiVersion runtime) {
        return major == runtime.major && minor <= runtime.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
