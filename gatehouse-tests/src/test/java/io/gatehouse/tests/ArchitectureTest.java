package io.gatehouse.tests;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.gatehouse.core.session.ClientSession;
import io.gatehouse.core.session.SessionRegistry;
import io.gatehouse.core.session.SessionSnapshot;
import io.gatehouse.core.session.backend.BackendKiller;
import io.gatehouse.core.session.backend.BackendPool;
import io.gatehouse.core.session.login.HostBlocker;
import io.gatehouse.core.session.login.TrustedNetworks;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module boundaries of ARCHITECTURE.md: modules (routers, monitors) never reach into the core, the API
 * depends on nothing of ours, the classifier on nothing but the JDK; and the layering inside the session packages:
 * the login phase knows nothing of routing, a backend connection nothing of the login flows, and only the session
 * packages touch a session's worker-confined state. Runs on the JUnit thread over compiled classes.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gatehouse");

    @Test
    void modulesDoNotImportTheCore() {
        noClasses().that().resideInAnyPackage("io.gatehouse.routers..", "io.gatehouse.monitors..",
                        "io.gatehouse.filters..", "io.gatehouse.protocols..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.core..", "io.gatehouse.server..",
                        "io.gatehouse.admin..", "io.gatehouse.cli..")
                .because("built-in modules use exactly the API third-party plugins get")
                .check(CLASSES);
    }

    @Test
    void theModuleTestKitNeedsOnlyTheApi() {
        noClasses().that().resideInAPackage("io.gatehouse.moduletest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.core..", "io.gatehouse.protocol..",
                        "io.gatehouse.server..", "io.gatehouse.admin..", "io.gatehouse.testkit..")
                .check(CLASSES);
    }

    @Test
    void routersAndMonitorsDoNotImportEachOther() {
        noClasses().that().resideInAPackage("io.gatehouse.routers..")
                .should().dependOnClassesThat().resideInAPackage("io.gatehouse.monitors..").check(CLASSES);
        noClasses().that().resideInAPackage("io.gatehouse.monitors..")
                .should().dependOnClassesThat().resideInAPackage("io.gatehouse.routers..").check(CLASSES);
        noClasses().that().resideInAPackage("io.gatehouse.filters..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.routers..", "io.gatehouse.monitors..")
                .check(CLASSES);
    }

    @Test
    void theApiDependsOnNothingOfOursButTheClassifier() {
        noClasses().that().resideInAPackage("io.gatehouse.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.core..", "io.gatehouse.protocol..",
                        "io.gatehouse.routers..", "io.gatehouse.filters..", "io.gatehouse.monitors..",
                        "io.gatehouse.server..")
                .because("plugins compile against the API alone; the SQL classifier (a pure-JDK library) is part of it,"
                        + " as Command.classification() returns its Classification")
                .check(CLASSES);
    }

    @Test
    void theClassifierIsAPureLibrary() {
        noClasses().that().resideInAPackage("io.gatehouse.sql..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.gatehouse.sql..", "java..")
                .check(CLASSES);
    }

    @Test
    void theCoreNeverImportsAModule() {
        noClasses().that().resideInAPackage("io.gatehouse.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.routers..", "io.gatehouse.filters..",
                        "io.gatehouse.monitors..", "io.gatehouse.admin..", "io.gatehouse.server..", "io.gatehouse.cli..")
                .because("modules are found through the module registry; the core knows only their API")
                .check(CLASSES);
    }

    @Test
    void theAdminApiReadsSessionsThroughSnapshots() {
        noClasses().that().resideInAPackage("io.gatehouse.admin..")
                .should().dependOnClassesThat(resideInAPackage("io.gatehouse.core.session..")
                        .and(not(belongToAnyOf(SessionSnapshot.class, SessionRegistry.class,
                                io.gatehouse.core.session.SessionMemory.class))))
                // SessionMemory measures each session on its own worker and hands back immutable figures.
                .because("a session's state belongs to its worker thread; other threads read the snapshot it publishes"
                        + " or what its worker measured for them")
                .check(CLASSES);
    }

    @Test
    void theLoginPhaseKnowsNothingOfRouting() {
        noClasses().that().resideInAPackage("io.gatehouse.core.session.login..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.core.session.pipeline..",
                        "io.gatehouse.core.session.backend..")
                .because("a login ends by handing its verdict to the session, which builds the pipeline and opens"
                        + " the backend connections")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.gatehouse.core.session.backend..")
                .should().dependOnClassesThat().resideInAPackage("io.gatehouse.core.session.login..")
                .because("a backend connection logs in with what the client's login left on the session")
                .check(CLASSES);
    }

    @Test
    void sessionInternalsStayInTheSessionPackages() {
        noClasses().that().resideOutsideOfPackage("io.gatehouse.core.session..")
                .should().accessFieldWhere(JavaAccess.Predicates.targetOwner(
                        JavaClass.Predicates.type(ClientSession.class)))
                .because("a session's login-phase fields are public only for the login package, on its worker")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("io.gatehouse.core.session..")
                .should().dependOnClassesThat(resideInAnyPackage("io.gatehouse.core.session.login..",
                        "io.gatehouse.core.session.backend..", "io.gatehouse.core.session.pipeline..")
                        .and(not(belongToAnyOf(HostBlocker.class, TrustedNetworks.class, BackendKiller.class,
                                BackendPool.class))))
                .because("the rest of Gatehouse sees a session through ClientSession, its registry and its snapshot;"
                        + " only the shared services the runtime builds (host blocker, trusted networks, KILL helper,"
                        + " pool) are made outside")
                .check(CLASSES);
    }

    @Test
    void theProtocolKnowsNothingOfRouting() {
        noClasses().that().resideInAPackage("io.gatehouse.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.core..", "io.gatehouse.routers..",
                        "io.gatehouse.monitors..", "io.gatehouse.server..")
                .check(CLASSES);
    }
}
