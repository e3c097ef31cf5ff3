package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

class SqsEmulatorIT {

  private static SqsEmulator emulator;
  private static SqsClient sqs;

  @BeforeAll
  static void start() {
    emulator = SqsEmulator.start();
    sqs = emulator.newClient();
  }

  @AfterAll
  static void stop() {
    sqs.close();
    emulator.close();
  }

  @Test
  void createsAQueueWithAttributesAndTags() {
    String url =
        sqs.createQueue(
                q ->
                    q.queueName("orders")
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT, "45",
                                QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "10",
                                QueueAttributeName.DELAY_SECONDS, "5"))
                        .tags(Map.of("team", "ops")))
            .queueUrl();

    assertThat(sqs.getQueueUrl(q -> q.queueName("orders")).queueUrl()).isEqualTo(url);
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributes();
    assertThat(attributes)
        .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "45")
        .containsEntry(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "10")
        .containsEntry(QueueAttributeName.DELAY_SECONDS, "5")
        .containsEntry(QueueAttributeName.QUEUE_ARN, "arn:aws:sqs:us-east-1:000000000000:orders");
    assertThat(sqs.listQueueTags(q -> q.queueUrl(url)).tags())
        .containsExactly(Map.entry("team", "ops"));
  }

  @Test
  void setsAttributesIncludingARedrivePolicy() {
    String dlqUrl = sqs.createQueue(q -> q.queueName("payments-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(q -> q.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String url = sqs.createQueue(q -> q.queueName("payments")).queueUrl();
    String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}";

    sqs.setQueueAttributes(
        q ->
            q.queueUrl(url)
                .attributes(
                    Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        "60",
                        QueueAttributeName.REDRIVE_POLICY,
                        redrivePolicy)));

    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                q ->
                    q.queueUrl(url)
                        .attributeNames(
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            QueueAttributeName.REDRIVE_POLICY))
            .attributes();
    assertThat(attributes).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60");
    assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
        .contains(dlqArn)
        .contains("maxReceiveCount");
  }

  @Test
  void refusesToRecreateAQueueWithOtherAttributes() {
    sqs.createQueue(q -> q.queueName("settled"));

    assertThatThrownBy(
            () ->
                sqs.createQueue(
                    q ->
                        q.queueName("settled")
                            .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "10"))))
        .isInstanceOf(QueueNameExistsException.class);
  }

  @Test
  void doesNotKeepRetentionMaximumSizeOrPolicy() {
    String url =
        sqs.createQueue(
                q ->
                    q.queueName("forgetful")
                        .attributes(
                            Map.of(
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "86400",
                                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024",
                                QueueAttributeName.POLICY, "{\"Version\":\"2012-10-17\"}")))
            .queueUrl();

    assertThat(
            sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes())
        .doesNotContainKeys(
            QueueAttributeName.MESSAGE_RETENTION_PERIOD,
            QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
            QueueAttributeName.POLICY);
  }

  @Test
  void tagsAndUntagsAQueue() {
    String url = sqs.createQueue(q -> q.queueName("tagged")).queueUrl();

    sqs.tagQueue(q -> q.queueUrl(url).tags(Map.of("team", "ops", "env", "test")));
    assertThat(sqs.listQueueTags(q -> q.queueUrl(url)).tags())
        .containsOnly(Map.entry("team", "ops"), Map.entry("env", "test"));

    sqs.untagQueue(q -> q.queueUrl(url).tagKeys("env"));
    assertThat(sqs.listQueueTags(q -> q.queueUrl(url)).tags())
        .containsOnly(Map.entry("team", "ops"));
  }

  @Test
  void createsAFifoQueue() {
    String url =
        sqs.createQueue(
                q ->
                    q.queueName("events.fifo")
                        .attributes(
                            Map.of(
                                QueueAttributeName.FIFO_QUEUE, "true",
                                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")))
            .queueUrl();

    assertThat(
            sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes())
        .containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
  }

  @Test
  void deletesAQueue() {
    String url = sqs.createQueue(q -> q.queueName("doomed")).queueUrl();

    sqs.deleteQueue(q -> q.queueUrl(url));

    assertThat(sqs.listQueues().queueUrls()).doesNotContain(url);
    assertThatThrownBy(() -> sqs.getQueueUrl(q -> q.queueName("doomed")))
        .isInstanceOf(QueueDoesNotExistException.class);
  }
}
