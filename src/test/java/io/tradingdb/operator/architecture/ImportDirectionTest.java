package io.tradingdb.operator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data path reads in one direction: start-up wiring → features → shared model pieces →
 * postgres, kube → api. A class may use its own layer and the layers below it, never one above.
 */
class ImportDirectionTest {

  private static final String BASE = "io.tradingdb.operator";

  /** Top to bottom. Packages without a trailing ".." are that package alone, not its children. */
  private static final List<Layer> LAYERS = List.of(
      new Layer("start-up wiring", false, BASE),
      // DbUsers and clusters are peers; a cluster may restore from a BackupSchedule, so backup sits lower.
      new Layer("reconcilers", true, BASE + ".dbuser..", BASE + ".tradingdatabase"),
      new Layer("cluster dependents", false, BASE + ".tradingdatabase.dependent.."),
      new Layer("cluster builders and status", false,
          BASE + ".tradingdatabase.workload..", BASE + ".tradingdatabase.network..",
          BASE + ".tradingdatabase.pooler..", BASE + ".tradingdatabase.monitoring..",
          BASE + ".tradingdatabase.status..", BASE + ".tradingdatabase.patroni.."),
      new Layer("backup", false, BASE + ".backup.."),
      new Layer("cluster model", false, BASE + ".tradingdatabase.model.."),
      new Layer("pgBackRest", false, BASE + ".pgbackrest.."),
      new Layer("postgres", false, BASE + ".postgres.."),
      new Layer("kube", false, BASE + ".kube.."),
      new Layer("api kinds", true, BASE + ".api.v1alpha1.tradingdatabase..",
          BASE + ".api.v1alpha1.backupschedule..", BASE + ".api.v1alpha1.dbuser.."),
      new Layer("api common", false, BASE + ".api.v1alpha1.common.."));

  private static JavaClasses main;

  /** @param peersIndependent whether the packages of this layer must not use each other either */
  record Layer(String name, boolean peersIndependent, String... packages) {}

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(BASE);
  }

  @Test
  void noPackageUsesOneAboveIt() {
    List<String> above = new ArrayList<>();
    for (Layer layer : LAYERS) {
      if (!above.isEmpty()) {
        noClasses().that().resideInAnyPackage(layer.packages())
            .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
            .as("the " + layer.name() + " layer uses no layer above it")
            .check(main);
      }
      above.addAll(Arrays.asList(layer.packages()));
    }
  }

  @Test
  void peersOfALayerDoNotUseEachOther() {
    for (Layer layer : LAYERS) {
      if (!layer.peersIndependent()) {
        continue;
      }
      for (String pkg : layer.packages()) {
        String[] others = Stream.of(layer.packages()).filter(p -> !p.equals(pkg)).toArray(String[]::new);
        noClasses().that().resideInAPackage(pkg)
            .should().dependOnClassesThat().resideInAnyPackage(others)
            .as(pkg + " uses none of its peers in the " + layer.name() + " layer")
            .check(main);
      }
    }
  }

  @Test
  void everyPackageHasALayer() {
    String[] all = LAYERS.stream().flatMap(l -> Stream.of(l.packages())).toArray(String[]::new);
    classes().should().resideInAnyPackage(all)
        .as("every package is placed in a layer of " + getClass().getSimpleName())
        .check(main);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(BASE + ".(**)").should().beFreeOfCycles().check(main);
  }
}
