import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Logo } from '../components/Logo';
import { useErrorMessage } from '../components/QueryError';
import { useI18n } from '../i18n';
import { safeNext, signIn, useSession } from '../lib/session';

type Reason = 'expired' | 'signedOut' | 'passwordChanged';

/** /masuk — e-mail and password; afterwards back to the page that asked for it (`?next=`). */
export default function SignInPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const errorMessage = useErrorMessage();
  const [formError, setFormError] = useState<string | null>(null);
  const reason = (location.state as { reason?: Reason } | null)?.reason;
  // Two fields: plain form state keeps react-hook-form out of the first page people load.
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [submitting, setSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t.auth.signIn} · Mercusuar`;
  }, [t]);

  if (session.data) return <Navigate to={next} replace />;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const found = {
      email: email ? undefined : t.auth.emailRequired,
      password: password ? undefined : t.auth.passwordRequired,
    };
    setErrors(found);
    setFormError(null);
    if (found.email || found.password) {
      (found.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await signIn(queryClient, email, password);
      navigate(next, { replace: true });
    } catch (err) {
      setFormError(errorMessage(err));
      setSubmitting(false);
      passwordRef.current?.focus();
    }
  };

  const notice =
    reason === 'expired'
      ? t.auth.sessionExpired
      : reason === 'passwordChanged'
        ? t.auth.passwordChangedSignIn
        : reason === 'signedOut'
          ? t.auth.signedOut
          : null;

  return (
    <Stack mih="100vh" gap={0} bg="gray.0">
      <Group justify="space-between" p="sm" component="header">
        <Anchor
          component={Link}
          to="/"
          aria-label={`${t.app.name} — ${t.auth.backToPublic}`}
          underline="never"
        >
          <Logo />
        </Anchor>
        <LanguageSwitch />
      </Group>
      <Center component="main" id="main" style={{ flex: 1 }} p="sm">
        <Card withBorder shadow="sm" padding="lg" w="100%" maw={420}>
          <form onSubmit={onSubmit} noValidate aria-labelledby="sign-in-title">
            <Stack>
              <div>
                <Title order={1} size="h2" id="sign-in-title">
                  {t.auth.signInTitle}
                </Title>
                <Text c="dimmed" size="sm" mt={4}>
                  {t.auth.signInIntro}
                </Text>
              </div>
              {notice && !formError && (
                <Alert color={reason === 'expired' ? 'orange' : 'blue'} role="status">
                  {notice}
                </Alert>
              )}
              {formError && (
                <Alert color="red" role="alert" data-testid="sign-in-error">
                  {formError}
                </Alert>
              )}
              <TextInput
                label={t.auth.email}
                type="email"
                autoComplete="username"
                inputMode="email"
                required
                name="email"
                ref={emailRef}
                error={errors.email}
              />
              <PasswordInput
                visibilityToggleButtonProps={{ 'aria-label': t.auth.showPassword }}
                label={t.auth.password}
                autoComplete="current-password"
                required
                name="password"
                ref={passwordRef}
                error={errors.password}
              />
              <Button type="submit" loading={submitting} fullWidth>
                {t.auth.submit}
              </Button>
              <Anchor component={Link} to="/" size="sm" ta="center">
                {t.auth.backToPublic}
              </Anchor>
            </Stack>
          </form>
        </Card>
      </Center>
    </Stack>
  );
}
