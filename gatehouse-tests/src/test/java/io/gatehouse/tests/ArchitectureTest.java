package io.gatehouse.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module boundaries of ARCHITECTURE.md: modules (routers, monitors) never reach into the core, the API
 * depends on nothing of ours, the classifier on nothing but the JDK. Runs on the JUnit thread over compiled classes.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gatehouse");

    @Test
    void modulesDoNotImportTheCore() {
        noClasses().that().resideInAnyPackage("io.gatehouse.routers..", "io.gatehouse.monitors..",
                        "io.gatehouse.filters..")
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
                .should().dependOnClassesThat().haveFullyQualifiedName("io.gatehouse.core.session.ClientSession")
                .because("a session's state belongs to its worker thread; other threads read the snapshot it publishes")
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
