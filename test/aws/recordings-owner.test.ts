import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetBucketTaggingCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkRecordings } from '../../src/aws/recordings.js';
import { MOTO_CREDENTIALS, type MotoServer, motoAvailable, startMoto } from '../support/moto-server.js';

// Whose bucket is it? `destroy --delete-recordings --bucket` deletes only the stack's own, known by the
// stack-level tag CloudFormation puts on what it creates. Against moto's S3 and CloudFormation.
const available = motoAvailable('the recordings bucket owner against moto');

describe.skipIf(!available)('the owner of a recordings bucket, against moto', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let stackBucket: string;
  beforeAll(async () => {
    moto = await startMoto();
    const client = { region: 'us-west-2', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true };
    s3 = new S3Client(client);
    const cfn = new CloudFormationClient(client);
    await cfn.send(
      new CreateStackCommand({
        StackName: 'Meet-meet-ne3d-org',
        TemplateBody: JSON.stringify({ Resources: { RecordingsBucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' } } }),
      }),
    );
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'Meet-meet-ne3d-org' }));
    stackBucket = resources.StackResources?.[0]?.PhysicalResourceId ?? '';
    await s3.send(
      new CreateBucketCommand({ Bucket: 'someone-else', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
    );
    await s3.send(
      new PutBucketTaggingCommand({ Bucket: 'someone-else', Tagging: { TagSet: [{ Key: 'team', Value: 'photos' }] } }),
    );
    // moto refuses aws: tags from a requester, as S3 does, but its CloudFormation does not add the
    // stack-level tags AWS documents ("In addition to any tags you define, CloudFormation automatically
    // creates the following stack-level tags with the aws: prefix: aws:cloudformation:logical-id,
    // aws:cloudformation:stack-id, aws:cloudformation:stack-name", CloudFormation template reference,
    // "CloudFormation resource tagging"). This thin layer answers for the stack's bucket as AWS does.
    const send = s3.send.bind(s3) as (command: unknown) => Promise<unknown>;
    (s3 as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (command) => {
      if (command instanceof GetBucketTaggingCommand && command.input.Bucket === stackBucket) {
        return {
          TagSet: [
            { Key: 'aws:cloudformation:stack-name', Value: 'Meet-meet-ne3d-org' },
            { Key: 'aws:cloudformation:logical-id', Value: 'RecordingsBucket' },
          ],
        };
      }
      return send(command);
    };
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('names the stack that created the bucket, none for a bucket without that tag, and refuses one that does not exist', async () => {
    const port = sdkRecordings(s3);
    expect(await port.owner(stackBucket)).toBe('Meet-meet-ne3d-org');
    expect(await port.owner('someone-else')).toBeUndefined();
    await s3.send(
      new CreateBucketCommand({ Bucket: 'untagged', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
    );
    expect(await port.owner('untagged')).toBeUndefined();
    await expect(port.owner('no-such-bucket-here')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
