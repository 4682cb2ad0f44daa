package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events for state transitions, for all three kinds. Best effort: an Event that
 * cannot be written never fails a reconcile. Messages must never contain secret values; callers
 * pass plain facts.
 *
 * <p>Events are sent in the background, as client-go's recorder does: a reconcile thread does not
 * wait for the API server to store one (at 1,000 new TradingDatabases that was one or two requests
 * of each reconcile; issue 18). Each recorder has two sender threads, which end when idle, and a
 * queue of {@value #QUEUE} Events; when the queue is full an Event is dropped and counted.
 */
public class EventRecorder {

  private static final String NORMAL = "Normal";
  private static final String WARNING = "Warning";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final int QUEUE = 4096;
  private static final AtomicLong DROPPED = new AtomicLong();
  private static final AtomicLong SENDERS = new AtomicLong();

  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor sender = sender();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata subject, String reason, String message) {
    record(subject, NORMAL, reason, message);
  }

  public void warning(HasMetadata subject, String reason, String message) {
    record(subject, WARNING, reason, message);
  }

  private void record(HasMetadata subject, String type, String reason, String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(subject.getMetadata().getName() + "." + suffix)
            .withNamespace(subject.getMetadata().getNamespace())
            .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(subject.getApiVersion())
            .withKind(subject.getKind())
            .withName(subject.getMetadata().getName())
            .withNamespace(subject.getMetadata().getNamespace())
            .withUid(subject.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(truncate(message))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(Labels.OPERATOR)
            .endSource()
            .withReportingComponent(Labels.OPERATOR)
            .build();
    try {
      sender.execute(() -> send(event));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      long dropped = DROPPED.incrementAndGet();
      if (dropped == 1 || dropped % 1000 == 0) {
        LOG.warn("{} events dropped so far: more than {} waited to be sent (the API server is slow or overloaded)",
            dropped, QUEUE);
      }
    }
  }

  private void send(io.fabric8.kubernetes.api.model.Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} for {}: {}", event.getReason(), event.getInvolvedObject().getName(),
          e.getMessage());
    }
  }

  /** Waits until the Events recorded so far are sent (or failed); false when that took longer than the timeout. */
  public boolean flush(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sender.getQueue().size() + sender.getActiveCount() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Events dropped because the queue was full, since the process started. */
  public static long dropped() {
    return DROPPED.get();
  }

  private static ThreadPoolExecutor sender() {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
        r -> {
          Thread t = new Thread(r, "event-sender-" + SENDERS.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  private static String truncate(String message) {
    return message == null || message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
