import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GROUPS } from '../../auth/jitsi-settings.js';
import { SIGN_IN_ENV } from '../../lambda/sign-in-rules.js';
import { projectFunction } from './function.js';

export interface MembersProps {
  /** The meeting host; the organizer page will live at `start.<host's zone>` (config). */
  readonly domain: string;
  /** The organizer page's origin, e.g. https://start.example.org (the app client's callback and sign-out URLs). */
  readonly pageOrigin: string;
  /** Cognito's prefix domain for the managed login (a custom domain would need a us-east-1 certificate). */
  readonly signInDomainPrefix: string;
  /** Optional federated sign-in, limited to the allow list. */
  readonly signIn?: {
    readonly allow: readonly string[];
    readonly google?: { readonly clientId: string; readonly clientSecretArn: string };
    readonly oidc: ReadonlyArray<{
      readonly name: string;
      readonly issuerUrl: string;
      readonly clientId: string;
      readonly clientSecretArn: string;
    }>;
  };
}

/** Where the managed login sends members back to on the page. */
export const CALLBACK_PATH = '/auth/callback';

/**
 * The community's members: a Cognito user pool with no self sign-up (an admin creates every user:
 * `meetctl users add`), two groups (`organizers` start and stop, `members` join), Cognito's prefix
 * domain for the managed login, and the organizer page's app client (authorization code with PKCE,
 * no client secret, no API sign-in flow, and no write access to what the system trusts). Kept when
 * the stack is deleted: the accounts are the community's data.
 */
export class Members extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: MembersProps) {
    super(scope, id);
    this.userPool = this.createUserPool(props);
    this.addGroups();
    this.addSignInRules(props);
    const { providers, federated } = this.addFederatedProviders(props);
    this.domain = this.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix: props.signInDomainPrefix } });
    this.client = this.addPageClient(props, providers, federated.length > 0);
    for (const provider of federated) this.client.node.addDependency(provider);
  }

  /** The pool: admin-created accounts only, sign-in by e-mail, optional TOTP. */
  private createUserPool(props: MembersProps): cognito.UserPool {
    const userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      userInvitation: {
        emailSubject: `Your account for ${props.domain}`,
        emailBody: `You have been added to the meetings on ${props.domain}. Your user name is {username} and your temporary password is {####}. Sign in at ${props.pageOrigin} and choose a new password.`,
      },
      // Essentials: the managed login, free for the first 10,000 monthly active users.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is offered (TOTP) but not required: members are community volunteers who join a video meeting; an organizer can require it later in the console. Start and stop are limited to the organizers group.',
    });
    for (const id of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      Validations.of(userPool).acknowledge({
        id,
        reason:
          'Threat protection needs the Plus feature plan, billed per monthly active user (Essentials is free for the first 10,000); every account is created by an admin (no self sign-up) and the pool guards only meeting access.',
      });
    }

    return userPool;
  }

  /** The organizers and members groups. */
  private addGroups(): void {
    for (const [key, group] of Object.entries(GROUPS)) {
      new cognito.CfnUserPoolGroup(this, key === 'organizers' ? 'Organizers' : 'MembersGroup', {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description:
          group === GROUPS.organizers
            ? 'Start and stop the meeting server, manage meetup schedules, record'
            : 'Join members-only meetings',
        precedence: group === GROUPS.organizers ? 1 : 2,
      });
    }
  }

  private addSignInRules(props: MembersProps): void {
    // Federated sign-in creates users on the first sign-in: these rules admit only the allow list
    // (pre sign-up) and make those users members while they stay on it (pre token generation). They
    // run for every sign-up, so self sign-up stays closed even if someone turns it on.
    const rules = projectFunction(this, 'SignInRules', {
      entry: ['lambda', 'sign-in-rules'],
      description: `Admits only allow-listed addresses through federated sign-in to ${props.domain}`,
      timeout: Duration.seconds(5),
      memorySize: 128,
      environment: { [SIGN_IN_ENV.allow]: JSON.stringify(props.signIn?.allow ?? []) },
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_SIGN_UP, rules);
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, rules);
  }

  /** Google and the OIDC providers of `signIn`, and the identity providers the page's client offers. */
  private addFederatedProviders(props: MembersProps): {
    providers: cognito.UserPoolClientIdentityProvider[];
    federated: Construct[];
  } {
    const providers: cognito.UserPoolClientIdentityProvider[] = [cognito.UserPoolClientIdentityProvider.COGNITO];
    const federated: Construct[] = [];
    const google = props.signIn?.google;
    if (google) {
      federated.push(
        new cognito.UserPoolIdentityProviderGoogle(this, 'Google', {
          userPool: this.userPool,
          clientId: google.clientId,
          // A dynamic reference: the template names the secret, never its value.
          clientSecretValue: SecretValue.secretsManager(google.clientSecretArn),
          scopes: ['openid', 'email', 'profile'],
          attributeMapping: {
            email: cognito.ProviderAttribute.GOOGLE_EMAIL,
            // The sign-in rules admit only addresses the provider verified (src/auth/external-sign-in.ts).
            emailVerified: cognito.ProviderAttribute.GOOGLE_EMAIL_VERIFIED,
            fullname: cognito.ProviderAttribute.GOOGLE_NAME,
          },
        }),
      );
      providers.push(cognito.UserPoolClientIdentityProvider.GOOGLE);
    }
    for (const oidc of props.signIn?.oidc ?? []) {
      federated.push(
        new cognito.UserPoolIdentityProviderOidc(this, `Oidc${oidc.name}`, {
          userPool: this.userPool,
          name: oidc.name,
          issuerUrl: oidc.issuerUrl,
          clientId: oidc.clientId,
          clientSecret: SecretValue.secretsManager(oidc.clientSecretArn).unsafeUnwrap(),
          scopes: ['openid', 'email', 'profile'],
          attributeMapping: {
            email: cognito.ProviderAttribute.other('email'),
            emailVerified: cognito.ProviderAttribute.other('email_verified'),
            fullname: cognito.ProviderAttribute.other('name'),
          },
        }),
      );
      providers.push(cognito.UserPoolClientIdentityProvider.custom(oidc.name));
    }
    return { providers, federated };
  }

  /** The organizer page's client: managed login with PKCE, refresh only. */
  private addPageClient(
    props: MembersProps,
    providers: cognito.UserPoolClientIdentityProvider[],
    isFederated: boolean,
  ): cognito.UserPoolClient {
    return this.userPool.addClient('OrganizerPage', {
      generateSecret: false,
      // The page signs in through the managed login (authorization code with PKCE), which needs no
      // API sign-in flow; refresh only. Left unset, Cognito allows SRP and custom sign-in with the
      // (public) client id, and InitiateAuth hands out access tokens with the
      // aws.cognito.signin.user.admin scope, which UpdateUserAttributes accepts.
      authFlows: { userSrp: false },
      writeAttributes: pageWriteAttributes(isFederated),
      enableTokenRevocation: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.pageOrigin}${CALLBACK_PATH}`],
        logoutUrls: [`${props.pageOrigin}/`],
      },
      supportedIdentityProviders: providers,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}

/**
 * What the page's app client may write. Nothing the system trusts: the name and e-mail in the meeting
 * token and the event log come from `meetctl users` (an administrator) or the provider.
 * - An empty list is no protection: Cognito reads it as "not specified", and then the client can
 *   write every standard attribute (AWS::Cognito::UserPoolClient WriteAttributes; aws/aws-cdk#30608),
 *   so without federation the list names one attribute nothing reads, `locale`.
 * - With federated sign-in it must hold every mapped attribute, which Cognito writes at each
 *   federated sign-in and refuses otherwise (CreateUserPoolClient, WriteAttributes): e-mail, its
 *   verification and name. Members still cannot write them: that needs an access token with the
 *   aws.cognito.signin.user.admin scope, which the page's client neither allows in OAuth nor hands
 *   out through an API sign-in flow, and the page keeps its tokens on the server.
 */
export function pageWriteAttributes(federated: boolean): cognito.ClientAttributes {
  return new cognito.ClientAttributes().withStandardAttributes(
    federated ? { email: true, emailVerified: true, fullname: true } : { locale: true },
  );
}

/**
 * A Cognito prefix domain from the stack name: lower case letters, digits and hyphens, at most 63,
 * and never the words Cognito refuses (aws, amazon, cognito).
 */
export function signInDomainPrefix(stackName: string): string {
  return stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/aws|amazon|cognito/g, 'x')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
