package dev.simplepush.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The core stays pure: no transport, store or JSON technology, only the JDK, Guice and the small APIs it is
 * documented to use. The enforcer rule in {@code core/pom.xml} bans the artifacts; this test catches a class that
 * arrives some other way (a transitive dependency, a shaded copy).
 */
@AnalyzeClasses(packages = "dev.simplepush.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreDependenciesTest {

    @ArchTest
    static final ArchRule coreDependsOnlyOnAllowedPackages = classes()
            .that().resideInAPackage("dev.simplepush.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "java..",
                    "javax.crypto..",
                    "org.jspecify..",
                    "org.slf4j..",
                    "io.micrometer..",
                    "com.google.inject..",
                    "jakarta.inject..",
                    "dev.simplepush.core..")
            .because("core holds the protocol only; adapters bring the technology");
}
