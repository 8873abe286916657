import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parameterCertificateStore, secretCertificateStore } from '../aws/certificate-store.js';
import { classifiedGroup } from '../aws/errors.js';
import { isParameterReference } from '../aws/parameter-secrets.js';
import { route53Zone } from '../aws/route53.js';
import { dynamoCertificateStatus } from '../aws/task-dns-adapters.js';
import { LETS_ENCRYPT } from '../certs/certificate.js';
import type { CertificateDeps } from '../certs/handlers.js';
import { systemClock } from '../control/ports.js';
import { INGRESS_ENV, route53 } from './ingress-environment.js';
import { required } from './required.js';

/** The certificate function's dependencies, from the environment. */
export function certificateDeps(): CertificateDeps {
  const region = required('AWS_REGION');
  const zone = route53Zone(route53(), required(INGRESS_ENV.hostedZoneId));
  const sns = new SNSClient({ region });
  const topicArn = required(INGRESS_ENV.topicArn);
  return {
    ports: {
      dns: classifiedGroup(zone),
      store: classifiedGroup(certificateStore(region, required(INGRESS_ENV.certificateSecret))),
      notify: async (subject, message) => {
        await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message }));
      },
      report: classifiedGroup(dynamoCertificateStatus(new DynamoDBClient({ region }), required(INGRESS_ENV.stateTable))).report,
      clock: systemClock,
    },
    settings: {
      host: required(INGRESS_ENV.host),
      email: required(INGRESS_ENV.acmeEmail),
      directoryUrl: process.env[INGRESS_ENV.acmeDirectory] || LETS_ENCRYPT,
    },
    log: (entry) => console.log(JSON.stringify(entry)),
  };
}

/** The certificate's store: its parameters (`secretStore: "parameter-store"`) or its secret. */
function certificateStore(region: string, reference: string) {
  return isParameterReference(reference)
    ? parameterCertificateStore(new SSMClient({ region }), reference)
    : secretCertificateStore(new SecretsManagerClient({ region }), reference);
}
