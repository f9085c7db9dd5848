/**
 * Module parameters: their specification ({@link io.gatehouse.api.config.ParamSpec},
 * {@link io.gatehouse.api.config.ParamType}), the parser every value goes through
 * ({@link io.gatehouse.api.config.ValueParser}) and the parsed, immutable values a module receives
 * ({@link io.gatehouse.api.config.Params}). Everything here is immutable or stateless and safe on any thread.
 */
package io.gatehouse.api.config;
