/**
 * What several filters share: the statement text of a command ({@link io.gatehouse.filters.support.StatementText}),
 * regular expression options ({@link io.gatehouse.filters.support.RegexOptions}), the {@code source}/{@code user}
 * session limits ({@link io.gatehouse.filters.support.ClientMatch}) and SQL comments
 * ({@link io.gatehouse.filters.support.SqlComments}). Everything here is stateless or immutable and safe on any
 * thread; nothing keeps or releases a buffer it reads.
 */
package io.gatehouse.filters.support;
