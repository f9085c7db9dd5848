/**
 * What several filters share: the statement text of a command and the packets built from it
 * ({@link io.gatehouse.filters.common.StatementText}), regular expression options and statement rules
 * ({@link io.gatehouse.filters.common.StatementRules}), the {@code source}/{@code user} session limits
 * ({@link io.gatehouse.filters.common.SessionRules}), SQL comments ({@link io.gatehouse.filters.common.SqlComments}),
 * quoted values, and the log files of the logging filters. Everything here but {@link
 * io.gatehouse.filters.common.LogFile} is stateless or immutable and safe on any thread; nothing keeps or releases a
 * buffer it reads.
 */
package io.gatehouse.filters.common;
