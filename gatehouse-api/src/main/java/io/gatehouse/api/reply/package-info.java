/** The parsed summary of a backend reply ({@link io.gatehouse.api.reply.Reply}); immutable values. */
package io.gatehouse.api.reply;
