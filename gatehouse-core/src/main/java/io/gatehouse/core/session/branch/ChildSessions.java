package io.gatehouse.core.session.branch;

import io.gatehouse.api.reply.Reply;
import io.gatehouse.api.router.Endpoint;
import io.gatehouse.api.router.RouterSession;
import io.gatehouse.core.service.ServiceTarget;
import io.gatehouse.core.session.ClientSession;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The child sessions ({@link ServiceEndpoint}s) a session's router, or a tee branch's, opened towards services: it
 * opens them, passes what they report to that router, and closes those left when the session ends. Confined to the
 * session's worker thread; every buffer a child hands over goes on to the router (or is released once the session
 * is closing).
 */
public final class ChildSessions implements ServiceEndpointOwner {
    /** How reply bytes of a child reach the router: the owner's own path for backend replies. */
    public interface Delivery {
        void deliver(Endpoint from, ByteBuf buf, Reply reply);
    }

    private final ClientSession session;
    private final Supplier<RouterSession> router;
    private final Delivery delivery;
    private final BooleanSupplier clientWritable;
    private final BooleanSupplier open;
    private final List<ServiceEndpoint> children = new ArrayList<>(2);
    private java.util.function.Consumer<io.gatehouse.core.session.backend.BackendConnection> wrote = b -> { };

    /** {@code open} is false once the owner is closing: what children report then is dropped. */
    public ChildSessions(ClientSession session, Supplier<RouterSession> router, Delivery delivery,
                         BooleanSupplier clientWritable, BooleanSupplier open) {
        this.session = session;
        this.router = router;
        this.delivery = delivery;
        this.clientWritable = clientWritable;
        this.open = open;
    }

    /** Tells {@code wrote} of each connection of a child that a command was written to (for LOCAL INFILE). */
    public void onWrite(java.util.function.Consumer<io.gatehouse.core.session.backend.BackendConnection> wrote) {
        this.wrote = wrote;
    }

    /** Opens a child session of {@code target}'s service; its outcome reaches the router later. */
    public Endpoint open(ServiceTarget target, boolean withDatabase) {
        ServiceEndpoint e = ServiceEndpoint.open(session, target, this, withDatabase);
        children.add(e);
        return e;
    }

    /** True while a child session is open (those their router closed are forgotten here). */
    public boolean any() {
        children.removeIf(ServiceEndpoint::isClosed);
        return !children.isEmpty();
    }

    /** The child sessions open now, in the order they were opened. */
    public List<ServiceEndpoint> list() {
        children.removeIf(ServiceEndpoint::isClosed);
        return List.copyOf(children);
    }

    /** Adds the connections of every child (and of their children) with a statement running, for KILL QUERY. */
    public void busyConnections(List<io.gatehouse.core.session.backend.BackendConnection> out) {
        for (ServiceEndpoint e : children) {
            e.busyConnections(out);
        }
    }

    /** The client's channel became writable or not: every child's connections read only while it is. */
    public void clientWritable(boolean writable) {
        for (ServiceEndpoint e : children) {
            e.clientWritable(writable);
        }
    }

    /** Closes every child still open (the session or branch ends). */
    public void closeAll() {
        for (ServiceEndpoint e : new ArrayList<>(children)) {
            e.close();
        }
        children.clear();
    }

    @Override
    public void childReply(ServiceEndpoint e, ByteBuf buf, Reply reply) {
        if (!open.getAsBoolean()) {
            buf.release();
            return;
        }
        delivery.deliver(e, buf, reply);
    }

    @Override
    public void childReady(ServiceEndpoint e, ByteBuf ok) {
        if (!open.getAsBoolean()) {
            ok.release();
            return;
        }
        router.get().endpointReady(e, ok);
    }

    @Override
    public void childFailed(ServiceEndpoint e, int code, String sqlState, String message) {
        if (children.remove(e) && open.getAsBoolean()) {
            router.get().endpointFailed(e, code, sqlState, message);
        }
    }

    @Override
    public void childWroteTo(io.gatehouse.core.session.backend.BackendConnection b) {
        wrote.accept(b);
    }

    @Override
    public void childReadComplete() {
        session.clientChannel().flush();
    }

    @Override
    public boolean clientWritable() {
        return clientWritable.getAsBoolean();
    }
}
