package dev.simplepush.transport.websocket;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The transport's packages and what each may use: the API package on top, the listener assembly under it, then one
 * package per concern, with RFC 6455 framing and the protocol's JSON at the bottom, free of the server technology.
 */
@AnalyzeClasses(packages = "dev.simplepush.transport.websocket", importOptions = ImportOption.DoNotIncludeTests.class)
class TransportLayersTest {

    private static final String API = "dev.simplepush.transport.websocket";
    private static final String INTERNAL = "dev.simplepush.transport.websocket.internal..";

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("API").definedBy(API)
            .layer("Listener").definedBy("dev.simplepush.transport.websocket.internal")
            .layer("Device").definedBy("dev.simplepush.transport.websocket.internal.device..")
            .layer("Http").definedBy("dev.simplepush.transport.websocket.internal.http..")
            .layer("Admin").definedBy("dev.simplepush.transport.websocket.internal.admin..")
            .layer("Assets").definedBy("dev.simplepush.transport.websocket.internal.assets..")
            .layer("WebPush").definedBy("dev.simplepush.transport.websocket.internal.webpush..")
            .layer("Json").definedBy("dev.simplepush.transport.websocket.internal.json..")
            .layer("Frame").definedBy("dev.simplepush.transport.websocket.internal.frame..")
            .layer("Tls").definedBy("dev.simplepush.transport.websocket.internal.tls..")
            .whereLayer("Listener").mayOnlyBeAccessedByLayers("API")
            .whereLayer("Device").mayOnlyBeAccessedByLayers("Listener")
            .whereLayer("Http").mayOnlyBeAccessedByLayers("Listener")
            .whereLayer("Admin").mayOnlyBeAccessedByLayers("API")
            .whereLayer("Assets").mayOnlyBeAccessedByLayers("Listener", "Http")
            .whereLayer("WebPush").mayOnlyBeAccessedByLayers("Http")
            .whereLayer("Json").mayOnlyBeAccessedByLayers("Device", "Http", "Admin")
            .whereLayer("Frame").mayOnlyBeAccessedByLayers("Device")
            .whereLayer("Tls").mayOnlyBeAccessedByLayers("Listener")
            .because("each concern has its package, and the listener assembly alone puts them together");

    @ArchTest
    static final ArchRule framingIsPlainJava = noClasses()
            .that().resideInAPackage("dev.simplepush.transport.websocket.internal.frame..")
            .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..", "com.fasterxml.jackson..")
            .because("RFC 6455 framing works on bytes alone, so it is tested and benchmarked alone");

    @ArchTest
    static final ArchRule jsonKnowsNoServer = noClasses()
            .that().resideInAPackage("dev.simplepush.transport.websocket.internal.json..")
            .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..")
            .because("the protocol's JSON is the same whatever server carries it");

    @ArchTest
    static final ArchRule webPushKnowsNoServer = noClasses()
            .that().resideInAPackage("dev.simplepush.transport.websocket.internal.webpush..")
            .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..")
            .because("a push request's headers are judged from their values alone, so they are tested alone");

    @ArchTest
    static final ArchRule internalNeverUsesTheModule = noClasses()
            .that().resideInAPackage(INTERNAL)
            .should().dependOnClassesThat().belongToAnyOf(WebSocketTransportModule.class, AdminModule.class)
            .because("the module assembles the implementation, never the other way round");

    @ArchTest
    static final ArchRule apiReachesTheImplementationOnlyThroughTheModule = noClasses()
            .that().resideInAPackage(API)
            .and().doNotBelongToAnyOf(WebSocketTransportModule.class, AdminModule.class)
            .should().dependOnClassesThat().resideInAPackage(INTERNAL)
            .because("embedders see the modules, the configs and the transport interfaces, never the implementation");
}
