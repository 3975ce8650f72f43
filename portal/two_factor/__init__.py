"""Two-step sign-in: a password, then a six-digit code from an authenticator app (TOTP,
django-otp). Any staff account may turn it on; OTP_REQUIRED_FOR_ADMINS makes it a condition
of every admin and staff page for the accounts that can change the most."""
